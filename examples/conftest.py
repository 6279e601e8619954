import sys
from pathlib import Path

# Let the examples import their neighbour module, as a user's tests import their application code.
sys.path.insert(0, str(Path(__file__).parent))
