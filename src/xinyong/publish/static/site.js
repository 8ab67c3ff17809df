'use strict';
// Search over window.XINYONG_RECORDS (loaded from data/records.js, so it works from file:// too).
(function () {
  const box = document.getElementById('q');
  if (!box) { return; }
  const all = window.XINYONG_RECORDS || [];
  const hits = document.getElementById('hits');
  const count = document.getElementById('count');
  const columns = ['检查实施机关', '类型', '抽查计划', '抽查事项', '市场主体名称', '统一社会信用代码', '日期', '结果', '状态'];
  function cell(text) { const td = document.createElement('td'); td.textContent = text; return td; }
  function show() {
    const q = box.value.trim().toUpperCase();
    hits.textContent = '';
    if (!q) { count.textContent = '共 ' + all.length + ' 条结果，输入名称或代码查询。'; return; }
    const found = all.filter(r => r['市场主体名称'].toUpperCase().includes(q) || r['统一社会信用代码'].includes(q));
    count.textContent = '找到 ' + found.length + ' 条' + (found.length > 200 ? '，显示前 200 条' : '');
    if (!found.length) { return; }
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    columns.forEach(c => { const th = document.createElement('th'); th.textContent = c; head.appendChild(th); });
    const body = table.createTBody();
    found.slice(0, 200).forEach(r => { const tr = body.insertRow(); columns.forEach(c => tr.appendChild(cell(r[c]))); });
    hits.appendChild(table);
  }
  box.addEventListener('input', show);
  show();
})();
