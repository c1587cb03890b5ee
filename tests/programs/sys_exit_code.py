# sys.exit(n) ends the program with status n; output so far is kept.
import sys
print("before")
sys.exit(3)
print("never")
