# The mutating set methods.
s = {5, 1, 9}
s.add(3); s.add(5); print(s)
s.discard(9); s.discard(100); s.remove(1); print(s)
s.update([7, 8], (2,), {40}); print(s, len(s))
c = s.copy(); c.clear(); print(c, s)
d = {1, 2, 3, 4}; d.intersection_update({2, 3, 5}, [3, 2]); print(d)
d = {1, 2, 3, 4}; d.difference_update([2], {4}); print(d)
d = {1, 2, 3, 4}; d.symmetric_difference_update([4, 5]); print(d)
