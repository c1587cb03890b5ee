-- Fannkuch-redux (Computer Language Benchmarks Game): permutations and
-- pancake flips; prints the checksum and the maximum flip count.
-- Arrays are 0-based to mirror the Python version.

local function fannkuch(n)
  local perm1, count, perm = {}, {}, {}
  for i = 0, n - 1 do
    perm1[i] = i
    count[i] = 0
    perm[i] = 0
  end
  local max_flips, checksum, perm_count = 0, 0, 0
  local r = n
  while true do
    while r ~= 1 do
      count[r - 1] = r
      r = r - 1
    end
    for i = 0, n - 1 do
      perm[i] = perm1[i]
    end
    local flips = 0
    local k = perm[0]
    while k ~= 0 do
      local i, j = 0, k
      while i < j do
        local t = perm[i]
        perm[i] = perm[j]
        perm[j] = t
        i = i + 1
        j = j - 1
      end
      flips = flips + 1
      k = perm[0]
    end
    if flips > max_flips then
      max_flips = flips
    end
    if perm_count % 2 == 0 then
      checksum = checksum + flips
    else
      checksum = checksum - flips
    end
    while true do
      if r == n then
        return checksum, max_flips
      end
      local perm0 = perm1[0]
      local i = 0
      while i < r do
        perm1[i] = perm1[i + 1]
        i = i + 1
      end
      perm1[r] = perm0
      count[r] = count[r] - 1
      if count[r] > 0 then
        break
      end
      r = r + 1
    end
    perm_count = perm_count + 1
  end
end

local function main(n)
  local checksum, max_flips = fannkuch(n)
  print(checksum)
  print(string.format("Pfannkuchen(%d) = %d", n, max_flips))
end

main(9)
