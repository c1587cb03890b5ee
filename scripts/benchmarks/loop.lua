-- Counting while-loop summing integers: measures basic bytecode dispatch.
local function main()
  local n = 10000000
  local i = 0
  local total = 0
  while i < n do
    total = total + i
    i = i + 1
  end
  print(total)
end

main()
