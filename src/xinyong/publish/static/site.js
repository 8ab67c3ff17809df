'use strict';
// Search over window.XINYONG_RECORDS (loaded from data/records.js, so it works from file:// too): by name, by
// USCC, or by 记录号 — which shows that record with its correction and the record it corrects, each linked to
// the other (index.html#R-… opens one).
(function () {
  const box = document.getElementById('q');
  if (!box) { return; }
  const all = window.XINYONG_RECORDS || [];
  const hits = document.getElementById('hits');
  const count = document.getElementById('count');
  const columns = ['记录号', '检查实施机关', '类型', '抽查计划', '抽查事项', '市场主体名称', '统一社会信用代码', '日期', '结果', '公示日期', '更正记录', '状态'];
  const byId = new Map(all.map(r => [r['记录号'], r]));
  const byQuery = new Map(all.map(r => [r['记录号'].toUpperCase(), r]));
  function link(id, text) {
    const a = document.createElement('a');
    a.href = '#' + encodeURIComponent(id);
    a.textContent = text;
    return a;
  }
  function cell(record, column) {
    const td = document.createElement('td');
    const text = record[column];
    const corrector = text.match(/^已被 (\S+) 更正$/);
    if (column === '更正记录' && byId.has(text)) {
      td.appendChild(link(text, '更正 ' + text));
    } else if (column === '状态' && corrector && byId.has(corrector[1])) {
      td.append('已被 ', link(corrector[1], corrector[1]), ' 更正');
    } else {
      td.textContent = text;
    }
    return td;
  }
  function linked(record) {
    // the record, the records that correct it, and the record it corrects
    const id = record['记录号'];
    return all.filter(r => r === record || r['更正记录'] === id || r['记录号'] === record['更正记录']);
  }
  function show() {
    const q = box.value.trim().toUpperCase();
    hits.textContent = '';
    if (!q) { count.textContent = '共 ' + all.length + ' 条结果，输入名称、代码或记录号查询。'; return; }
    const found = byQuery.has(q) ? linked(byQuery.get(q))
      : all.filter(r => r['市场主体名称'].toUpperCase().includes(q) || r['统一社会信用代码'].includes(q));
    count.textContent = '找到 ' + found.length + ' 条' + (found.length > 200 ? '，显示前 200 条' : '');
    if (!found.length) { return; }
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    columns.forEach(c => { const th = document.createElement('th'); th.textContent = c; head.appendChild(th); });
    const body = table.createTBody();
    found.slice(0, 200).forEach(r => {
      const tr = body.insertRow();
      tr.id = r['记录号'];
      columns.forEach(c => tr.appendChild(cell(r, c)));
    });
    hits.appendChild(table);
  }
  function fromHash() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (byId.has(id)) { box.value = id; show(); }
  }
  box.addEventListener('input', show);
  window.addEventListener('hashchange', fromHash);
  show();
  fromHash();
})();
