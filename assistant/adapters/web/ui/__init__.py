"""The Gradio web UI. Import only to serve it: the core never imports Gradio."""
