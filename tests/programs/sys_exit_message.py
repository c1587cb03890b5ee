# sys.exit(message) prints the message to stderr and exits with status 1.
import sys
print("working")
sys.exit("fatal: something went wrong")
