# single inheritance: override and inherited methods
class Animal:
    def __init__(self, name):
        self.name = name

    def speak(self):
        return "..."

    def describe(self):
        return self.name + " says " + self.speak()

class Dog(Animal):
    def speak(self):
        return "woof"

class Puppy(Dog):
    def speak(self):
        return "yip"

for a in [Animal("generic"), Dog("rex"), Puppy("bit")]:
    print(a.describe())
