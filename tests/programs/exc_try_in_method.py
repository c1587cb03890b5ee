# try/except inside methods and exceptions crossing method calls
class Account:
    def __init__(self, balance):
        self.balance = balance

    def withdraw(self, amount):
        if amount > self.balance:
            raise ValueError(f"insufficient funds: {self.balance} < {amount}")
        self.balance -= amount
        return self.balance

    def try_withdraw(self, amount):
        try:
            return self.withdraw(amount)
        except ValueError as e:
            print("refused:", e)
            return None
        finally:
            print("balance now", self.balance)

a = Account(100)
print(a.try_withdraw(30))
print(a.try_withdraw(500))
a.withdraw(1000)
