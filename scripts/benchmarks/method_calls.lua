-- Method calls (the classic "methcall" shootout benchmark): a Toggle class
-- and an NthToggle subclass whose activate() is called many times.

local Toggle = {}
Toggle.__index = Toggle

function Toggle.new(start_state)
  local self = setmetatable({}, Toggle)
  self.state = start_state
  return self
end

function Toggle:value()
  return self.state
end

function Toggle:activate()
  self.state = not self.state
  return self
end

local NthToggle = setmetatable({}, {__index = Toggle})
NthToggle.__index = NthToggle

function NthToggle.new(start_state, max_counter)
  local self = Toggle.new(start_state)
  setmetatable(self, NthToggle)
  self.count_max = max_counter
  self.counter = 0
  return self
end

function NthToggle:activate()
  self.counter = self.counter + 1
  if self.counter >= self.count_max then
    self.state = not self.state
    self.counter = 0
  end
  return self
end

local function show(b)
  if b then
    return "true"
  end
  return "false"
end

local function main(n)
  local toggle = Toggle.new(true)
  for _ = 1, 5 do
    print(show(toggle:activate():value()))
  end
  local val = true
  for _ = 1, n do
    val = toggle:activate():value()
  end
  print(show(val))
  print()

  local ntoggle = NthToggle.new(true, 3)
  for _ = 1, 8 do
    print(show(ntoggle:activate():value()))
  end
  for _ = 1, n do
    val = ntoggle:activate():value()
  end
  print(show(val))
end

main(3000001)
