from assistant.adapters.cli.main import main

main()
