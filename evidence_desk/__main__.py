import sys

from evidence_desk.cli import main

sys.exit(main())
