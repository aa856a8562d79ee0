from aurora_console.cli import main

raise SystemExit(main())
