'use strict';
// The site's one script; every page reads whole without it.
// 1. Search over window.XINYONG_RECORDS (loaded from data/records.js, so it works from file:// too): by name, by
//    USCC, or by 记录号 — which shows that record with its correction and the record it corrects, each linked to
//    the other (index.html#R-… opens one).
// 2. A long table (table[data-pager], a round's selected firms and results) shown a page at a time, with a filter
//    for each column listed in data-filters (a cell of several results joined by '；' matches each of them) and a
//    search box; a link to a row (#R-…) shows the page that holds it.
// 3. A wide table shown as cards on a narrow screen (cards, below).
// A wide table (more than CARDS columns) becomes on a narrow screen one card a row, each cell under its header:
// the script labels the cells (data-label) and marks the table (class cards); site.css lays the cards out.
const CARDS = 4;
function cards(table) {
  const headers = Array.from(table.tHead.rows[0].cells).map(c => c.textContent);
  if (headers.length <= CARDS) { return; }
  Array.from(table.tBodies[0].rows).forEach(r => Array.from(r.cells).forEach((td, i) => { td.dataset.label = headers[i]; }));
  table.classList.add('cards');
}

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
    if (column === '记录号') {
      const a = document.createElement('a');  // the record's row on its round's page
      a.href = 'rounds/' + encodeURIComponent(record['抽查批次']) + '.html#' + encodeURIComponent(text);
      a.title = '在批次 ' + record['抽查批次'] + ' 的页面查看';
      a.textContent = text;
      td.appendChild(a);
    } else if (column === '更正记录' && byId.has(text)) {
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
    cards(table);
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

(function () {
  const PARTS = '；';
  function element(tag, text) {
    const made = document.createElement(tag);
    if (text !== undefined) { made.textContent = text; }
    return made;
  }
  function paged(table) {
    const size = Number(table.dataset.pager);
    const rows = Array.from(table.tBodies[0].rows);
    const headers = Array.from(table.tHead.rows[0].cells).map(c => c.textContent);
    const columns = (table.dataset.filters || '').split(' ').filter(Boolean).map(Number);
    const bar = element('div');
    bar.className = 'filters';
    const selects = columns.map(column => {
      const values = new Set();
      rows.forEach(r => r.cells[column].textContent.split(PARTS).forEach(v => values.add(v)));
      const label = element('label', headers[column] + '：');
      const select = element('select');
      select.dataset.column = column;
      select.appendChild(element('option', '全部')).value = '';
      Array.from(values).sort().forEach(v => { select.appendChild(element('option', v)).value = v; });
      label.appendChild(select);
      bar.appendChild(label);
      return select;
    });
    const findLabel = element('label', '查找：');
    const find = element('input');
    find.type = 'search';
    find.placeholder = '名称、代码或记录号';
    findLabel.appendChild(find);
    bar.appendChild(findLabel);
    const status = element('p');
    status.className = 'status';
    status.setAttribute('aria-live', 'polite');
    const nav = element('p');
    nav.className = 'pages';
    const previous = element('button', '上一页');
    const next = element('button', '下一页');
    const where = element('span');
    nav.append(previous, ' ', where, ' ', next);
    const holder = table.parentElement.classList.contains('scroll') ? table.parentElement : table;
    holder.before(bar, status);
    holder.after(nav);
    let page = 0;
    let shown = rows;
    function matches(row) {
      const q = find.value.trim().toUpperCase();
      return selects.every(s => !s.value || row.cells[Number(s.dataset.column)].textContent.split(PARTS).includes(s.value))
        && (!q || row.textContent.toUpperCase().includes(q));
    }
    function apply() {
      shown = rows.filter(matches);
      const pages = Math.max(1, Math.ceil(shown.length / size));
      page = Math.min(page, pages - 1);
      const first = page * size;
      rows.forEach(r => { r.hidden = true; });
      shown.slice(first, first + size).forEach(r => { r.hidden = false; });
      status.textContent = (shown.length === rows.length ? '共 ' + rows.length + ' 条' : '共 ' + rows.length + ' 条，符合条件 ' + shown.length + ' 条')
        + (shown.length ? '，显示第 ' + (first + 1) + '–' + Math.min(first + size, shown.length) + ' 条' : '');
      where.textContent = '第 ' + (page + 1) + ' / ' + pages + ' 页';
      previous.disabled = page === 0;
      next.disabled = page >= pages - 1;
      nav.hidden = pages === 1;
    }
    function filtered() { page = 0; apply(); }
    selects.forEach(s => s.addEventListener('change', filtered));
    find.addEventListener('input', filtered);
    previous.addEventListener('click', () => { page -= 1; apply(); });
    next.addEventListener('click', () => { page += 1; apply(); });
    apply();
    return function reveal(row) {
      // show the page holding `row`, clearing the filters when they hide it
      if (!rows.includes(row)) { return false; }
      if (!matches(row)) { selects.forEach(s => { s.value = ''; }); find.value = ''; }
      shown = rows.filter(matches);
      page = Math.floor(shown.indexOf(row) / size);
      apply();
      row.scrollIntoView();
      return true;
    };
  }
  document.querySelectorAll('main table').forEach(cards);
  const reveals = Array.from(document.querySelectorAll('table[data-pager]')).map(paged);
  if (!reveals.length) { return; }
  function fromHash() {
    const row = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (row) { reveals.some(reveal => reveal(row)); }
  }
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
