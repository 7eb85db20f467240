import sys

from kairos_ci.cli import main

sys.exit(main())
