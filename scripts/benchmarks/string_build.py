# String building: concatenation of short pieces into lines, str() of ints,
# join of many lines, and a final scan with count().


def main(n):
    lines = []
    line = ""
    for i in range(n):
        line = line + "item" + str(i) + ";"
        if len(line) > 80:
            lines.append(line)
            line = ""
    if line != "":
        lines.append(line)
    text = "\n".join(lines)
    print(len(lines))
    print(len(text))
    print(text.count("7"))
    print(lines[0])
    print(lines[len(lines) - 1])


main(1500000)
