import sys
from pathlib import Path

# Tests import app.py, chalicelib and infra from the project root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
