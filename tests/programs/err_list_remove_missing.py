# list.remove of a missing item raises ValueError.
l = [1, 2]
l.remove(2)
l.remove(5)
