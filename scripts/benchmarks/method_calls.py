# Method calls (the classic "methcall" shootout benchmark): a Toggle class
# and an NthToggle subclass whose activate() is called many times.


class Toggle:
    def __init__(self, start_state):
        self.state = start_state

    def value(self):
        return self.state

    def activate(self):
        self.state = not self.state
        return self


class NthToggle(Toggle):
    def __init__(self, start_state, max_counter):
        Toggle.__init__(self, start_state)
        self.count_max = max_counter
        self.counter = 0

    def activate(self):
        self.counter += 1
        if self.counter >= self.count_max:
            self.state = not self.state
            self.counter = 0
        return self


def show(b):
    if b:
        return "true"
    return "false"


def main(n):
    toggle = Toggle(True)
    for i in range(5):
        print(show(toggle.activate().value()))
    val = True
    for i in range(n):
        val = toggle.activate().value()
    print(show(val))
    print()

    ntoggle = NthToggle(True, 3)
    for i in range(8):
        print(show(ntoggle.activate().value()))
    for i in range(n):
        val = ntoggle.activate().value()
    print(show(val))


main(3000001)
