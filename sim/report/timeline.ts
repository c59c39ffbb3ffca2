import type { Repro } from '../fuzz/repro.js';
import type { KvRunResult } from '../run/kv-run.js';
import type { TimelineData, TimelineFold } from './timeline-data.js';
import { TIMELINE_SCRIPT, TIMELINE_STYLE } from './timeline-page.js';

/** JSON that is safe inside a <script> element. */
function embed(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, ' ');
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string,
  );
}

/** One self-contained HTML file: the data as JSON, the CSS and the script inline. */
export function renderTimelinePage(data: TimelineData, subtitle: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(data.title)}</title>
<style>${TIMELINE_STYLE}</style></head>
<body>
<header><h1>${escapeHtml(data.title)}</h1><p>${escapeHtml(subtitle)}</p>
<nav><button id="fit">fit</button><button id="zoom-in">zoom in</button><button id="zoom-out">zoom out</button>
<button id="to-violation">go to violation</button><span id="window"></span></nav></header>
<main><svg id="timeline" xmlns="http://www.w3.org/2000/svg"></svg><div id="tip"></div>
<section id="legend"></section><section id="linearization"></section></main>
<script id="data" type="application/json">${embed(data)}</script>
<script>${TIMELINE_SCRIPT}</script>
</body></html>
`;
}

/** The timeline page of a replayed run, from the fold its trace went through. */
export function renderTimeline(repro: Repro, result: KvRunResult, timeline: TimelineFold): string {
  const v = result.violation;
  const what =
    v !== null ? `${v.invariant} violated: ${v.message}` : (result.liveness ?? result.verdict);
  const data = timeline.data(`raftsim seed ${repro.seed}: ${result.verdict}`, result);
  return renderTimelinePage(
    data,
    `${what} — trace ${result.traceHash}, ${repro.config.schedule.length} schedule steps`,
  );
}
