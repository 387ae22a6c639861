-- wrk script: each request comes from one of many signed-in people. Each line of the file
-- is "PATH COOKIE" (a browser session) or "PATH<TAB>Header-Name: value" (e.g. a bearer token).
local paths = {}
local headers = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local path, name, value = line:match("^(%S+)\t([%w-]+): (.+)$")
    if not path then
      path, value = line:match("^(%S+)%s+(.+)$")
      name = "Cookie"
    end
    if path then
      table.insert(paths, path)
      table.insert(headers, {[name] = value})
    end
  end
end

function request()
  counter = counter + 1
  local i = (counter % #paths) + 1
  return wrk.format("GET", paths[i], headers[i])
end
