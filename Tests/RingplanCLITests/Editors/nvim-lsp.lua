-- Neovim's built-in LSP client (0.7 and later) attached to `ringplan lsp`, headless:
-- opens the file given in RINGPLAN_FILE, waits for the server's diagnostics, asks for a
-- hover and a definition, edits the text, waits for the edit's diagnostics, and writes what
-- it received as JSON to RINGPLAN_OUT.
local binary, file, out = os.getenv("RINGPLAN_BIN"), os.getenv("RINGPLAN_FILE"), os.getenv("RINGPLAN_OUT")
vim.cmd("edit " .. file)
local buffer = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({
  name = "ringplan",
  cmd = { binary, "lsp" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
})
vim.lsp.buf_attach_client(buffer, client)
local got = vim.wait(20000, function() return #vim.diagnostic.get(buffer) > 0 end, 50)
local result = { attached = got, diagnostics = {} }
for _, d in ipairs(vim.diagnostic.get(buffer)) do
  table.insert(result.diagnostics, { line = d.lnum, col = d.col, severity = d.severity, message = d.message, code = d.code })
end
-- A hover on the first `ringing:` key, and the definition of the first `rahul`.
local lines = vim.api.nvim_buf_get_lines(buffer, 0, -1, false)
for number, text in ipairs(lines) do
  local ringing = text:find("ringing:")
  if ringing and not result.hover then
    local responses = vim.lsp.buf_request_sync(buffer, "textDocument/hover",
      { textDocument = { uri = vim.uri_from_bufnr(buffer) }, position = { line = number - 1, character = ringing } }, 10000)
    for _, response in pairs(responses or {}) do
      if response.result then result.hover = response.result.contents.value end
    end
  end
  local agent = text:find("rahul")
  if agent and not result.definition then
    local responses = vim.lsp.buf_request_sync(buffer, "textDocument/definition",
      { textDocument = { uri = vim.uri_from_bufnr(buffer) }, position = { line = number - 1, character = agent } }, 10000)
    for _, response in pairs(responses or {}) do
      if response.result and response.result[1] then result.definition = response.result[1].uri end
    end
  end
end
-- An edit as typing makes it (Neovim sends the changed range): `ringing: 20s` becomes 90s,
-- a line is added above it; the new error must come at its line.
for number, text in ipairs(lines) do
  if text:find("ringing: 20s") then
    vim.api.nvim_buf_set_text(buffer, number - 1, text:find("20s") - 1, number - 1, text:find("20s") + 1, { "90" })
    vim.api.nvim_buf_set_lines(buffer, number - 1, number - 1, false, { "    # slow to answer" })
    result.edited = number  -- the 0-based line the edited `ringing` is on now
    break
  end
end
vim.wait(20000, function()
  for _, d in ipairs(vim.diagnostic.get(buffer)) do
    if d.code == "RP0305" then return true end
  end
  return false
end, 50)
result.after = {}
for _, d in ipairs(vim.diagnostic.get(buffer)) do
  table.insert(result.after, { line = d.lnum, code = d.code, message = d.message })
end
local handle = io.open(out, "w")
handle:write(vim.fn.json_encode(result))
handle:close()
vim.lsp.stop_client(client)
vim.cmd("qall!")
