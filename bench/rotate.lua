-- wrk script: each request signs in as one of many participants (cookies from a file).
local cookies = {}
local paths = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^(%S+)%s+(.+)$")
    if path then
      table.insert(paths, path)
      table.insert(cookies, cookie)
    end
  end
end

function request()
  counter = counter + 1
  local i = (counter % #paths) + 1
  return wrk.format("GET", paths[i], {["Cookie"] = cookies[i]})
end
