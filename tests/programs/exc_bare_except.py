# a bare except catches everything
try:
    [].pop()
except:
    print("caught something")
try:
    undefined_name_xyz
except:
    print("caught again")
