// The event table: only the rows in view are in the page (rows have one height, an opened row's
// JSON another), so 5,000 or 50,000 events cost the same to show, scroll and filter.
import { escapeHtml, formatDate } from "./util.js";

const ROW = 26;
const OPENED = 280; // a row with its JSON shown: the row plus a scrollable JSON box
const OVERSCAN = 12;

export class EventTable {
  constructor(box, stateOf) {
    this.box = box;
    this.stateOf = stateOf;
    this.events = []; // every event, by id - 1
    this.rows = []; // the events the filter keeps, in id order
    this.opened = []; // ids of opened rows, sorted
    this.test = null;
    this.first = null;
    this.scheduled = false;
    box.innerHTML = `<div class="ev head"><span>ID</span><span>Type</span><span>State</span><span>Elapsed (ms)</span><span>Timestamp</span></div><div class="ev-body"></div>`;
    this.body = box.querySelector(".ev-body");
    box.addEventListener("scroll", () => this.schedule());
    this.body.addEventListener("click", (event) => {
      const row = event.target.closest(".ev[data-id]");
      if (row && !event.target.closest("pre")) this.toggle(Number(row.dataset.id));
    });
  }

  append(events) {
    for (const event of events) {
      this.first = this.first ?? event.timestamp;
      this.events.push(event);
      if (!this.test || this.test(event)) this.rows.push(event);
    }
    this.schedule();
  }

  setFilter(test) {
    this.test = test;
    this.rows = test ? this.events.filter(test) : this.events.slice();
    this.box.scrollTop = 0;
    this.schedule();
  }

  toggle(id, open) {
    const at = this.opened.indexOf(id);
    if (at >= 0 && open !== true) this.opened.splice(at, 1);
    else if (at < 0 && open !== false) this.opened = [...this.opened, id].sort((a, b) => a - b);
    this.render();
  }

  reveal(id) {
    // Scroll an event into view and open its JSON (clearing a filter that hides it).
    if (!this.rows.some((e) => e.id === id)) this.setFilter(null);
    this.toggle(id, true);
    const index = this.indexOf(id);
    this.box.scrollTop = Math.max(0, this.offset(index) - this.box.clientHeight / 3);
    this.render();
  }

  indexOf(id) {
    let low = 0, high = this.rows.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.rows[middle].id < id) low = middle + 1; else high = middle;
    }
    return low;
  }

  openedBefore(index) {
    // How many opened rows come before row ``index`` (few are ever opened).
    const id = index < this.rows.length ? this.rows[index].id : Infinity;
    let count = 0;
    for (const opened of this.opened) {
      if (opened >= id) break;
      if (this.rows[this.indexOf(opened)]?.id === opened) count++;
    }
    return count;
  }

  offset(index) {
    return index * ROW + this.openedBefore(index) * (OPENED - ROW);
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.render(); });
  }

  render() {
    const rows = this.rows;
    this.body.style.height = `${this.offset(rows.length)}px`;
    const top = this.box.scrollTop, bottom = top + (this.box.clientHeight || 560);
    let low = 0, high = rows.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.offset(middle + 1) <= top) low = middle + 1; else high = middle;
    }
    const start = Math.max(0, low - OVERSCAN);
    const html = [];
    for (let i = start; i < rows.length; i++) {
      const y = this.offset(i);
      if (y > bottom + OVERSCAN * ROW) break;
      const event = rows[i];
      const opened = this.opened.includes(event.id);
      html.push(`<div class="ev${opened ? " opened" : ""}" data-id="${event.id}" style="top:${y}px"><span>${event.id}</span>` +
        `<span class="type">${escapeHtml(event.type)}</span><span>${escapeHtml(this.stateOf(event))}</span>` +
        `<span>${Math.round((event.timestamp - this.first) * 1000)}</span><span>${formatDate(event.timestamp)}</span>` +
        (opened ? `<pre class="event-json">${escapeHtml(JSON.stringify(event, null, 2))}</pre>` : "") + `</div>`);
    }
    this.body.innerHTML = html.join("");
    this.box.dataset.count = String(rows.length);
  }
}
