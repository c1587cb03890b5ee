-- String building: concatenation of short pieces into lines, tostring() of
-- ints, join (table.concat) of many lines, and a final scan counting "7".

local function main(n)
  local lines = {}
  local line = ""
  for i = 0, n - 1 do
    line = line .. "item" .. tostring(i) .. ";"
    if #line > 80 then
      lines[#lines + 1] = line
      line = ""
    end
  end
  if line ~= "" then
    lines[#lines + 1] = line
  end
  local text = table.concat(lines, "\n")
  print(#lines)
  print(#text)
  local _, sevens = string.gsub(text, "7", "")
  print(sevens)
  print(lines[1])
  print(lines[#lines])
end

main(1500000)
