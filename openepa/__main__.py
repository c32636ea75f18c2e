import sys

from openepa.cli import main

sys.exit(main())
