"""One web server: the REST API under /api, OpenAPI docs, the Gradio page at /."""
