# an inventory system: classes, inheritance, properties, custom exceptions,
# dunders, sorting and a context manager
class InventoryError(Exception):
    pass

class OutOfStock(InventoryError):
    def __init__(self, item, wanted, have):
        super().__init__(f"{item}: wanted {wanted}, have {have}")
        self.item = item

class Item:
    count = 0

    def __init__(self, name, price, qty=0):
        self.name = name
        self._price = price
        self.qty = qty
        Item.count += 1

    @property
    def price(self):
        return self._price

    @price.setter
    def price(self, v):
        if v <= 0:
            raise ValueError("price must be positive")
        self._price = v

    @property
    def value(self):
        return self.price * self.qty

    def __lt__(self, other):
        return (self.value, self.name) < (other.value, other.name)

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r}, {self.price}, {self.qty})"

class Perishable(Item):
    def __init__(self, name, price, qty, days):
        super().__init__(name, price, qty)
        self.days = days

    @property
    def value(self):
        v = super().value
        return v // 2 if self.days < 3 else v

class Inventory:
    def __init__(self):
        self.items = {}
        self.log = []

    def add(self, item):
        self.items[item.name] = item
        return self

    def take(self, name, n):
        if name not in self.items:
            raise KeyError(name)
        it = self.items[name]
        if it.qty < n:
            raise OutOfStock(name, n, it.qty)
        it.qty -= n
        self.log.append((name, n))

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(sorted(self.items.values()))

    def __contains__(self, name):
        return name in self.items

class Transaction:
    def __init__(self, inv):
        self.inv = inv

    def __enter__(self):
        self.saved = {}
        for name, it in self.inv.items.items():
            self.saved[name] = it.qty
        return self.inv

    def __exit__(self, t, v, tb):
        if t is not None:
            for name, q in self.saved.items():
                self.inv.items[name].qty = q
            print("rolled back:", v)
            return issubclass(t, InventoryError)
        print("committed")
        return False

inv = Inventory()
inv.add(Item("bolt", 2, 100)).add(Item("nut", 1, 300)).add(Perishable("milk", 3, 10, 2))
print(len(inv), "milk" in inv, "tea" in inv, Item.count)
for it in inv:
    print(it, it.value)
with Transaction(inv) as i:
    i.take("bolt", 10)
    i.take("nut", 5)
with Transaction(inv) as i:
    i.take("bolt", 50)
    i.take("milk", 99)
print([(it.name, it.qty) for it in inv])
try:
    inv.items["bolt"].price = -1
except ValueError as e:
    print("error:", e)
try:
    with Transaction(inv):
        inv.take("tea", 1)
except KeyError as e:
    print("missing", e)
print(max(inv), min(inv))
print(inv.log)
