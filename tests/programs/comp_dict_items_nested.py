grades = {"ann": [90, 80], "bob": [70], "cy": []}
print({name: sum(g) / len(g) for name, g in grades.items() if g})
print([(n, s) for n, ss in sorted(grades.items()) for s in ss])
print({n: [s + bonus for s in ss] for n, ss in grades.items() for bonus in [1]})
print(sorted({s // 10 for ss in grades.values() for s in ss}))
print([[c for c in w if c in "aeiou"] for w in ["hello", "sky", "queue"]])
