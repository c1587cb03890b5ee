# sys.exit() and sys.exit(None) end with status 0; SystemExit is catchable.
import sys
try:
    sys.exit(5)
except SystemExit as e:
    print("caught", e.args)
print(sys.maxsize, sys.maxsize + 1, len(sys.argv))
sys.exit()
