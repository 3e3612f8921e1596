/** The reports' stylesheet: light, readable printed, no fonts or images fetched. */
export const REPORT_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1f1f1f; margin: 24px 32px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.15em; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.headline { font-size: 1.1em; font-weight: 600; margin: 4px 0; }
.outcome-completed { color: #2f7d32; }
.outcome-failed { color: #c72e0f; }
.outcome-cancelled { color: #8a6d00; }
.muted { color: #666; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
th { font-weight: 600; background: #f6f6f6; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, 'Cascadia Mono', Menlo, monospace; font-size: 12.5px; }
pre { white-space: pre-wrap; margin: 4px 0; }
.events { background: #f6f6f6; padding: 8px; max-height: 480px; overflow: auto; }
.errors li { margin-bottom: 8px; }
.state { font-weight: 600; }
.state.completed, .state.passed { color: #2f7d32; }
.state.failed, .state.error { color: #c72e0f; }
.state.skipped, .state.excluded, .state.cancelled { color: #8a6d00; }
.graph-frame { overflow: auto; }
.graph .edge { fill: none; stroke: #999; stroke-width: 1.5; }
.graph .node rect { fill: #f3f3f3; stroke: #999; }
.graph .node.completed rect { fill: #e7f4e8; stroke: #2f7d32; }
.graph .node.failed rect { fill: #fbe9e7; stroke: #c72e0f; }
.graph .node.skipped rect, .graph .node.excluded rect { fill: #fff8e1; stroke: #b38f00; }
.graph .label { font-weight: 600; font-size: 13px; }
.graph .detail { font-size: 12px; fill: #555; }
.trend .bar.passed { fill: #5a9e5e; }
.trend .bar.warned { fill: #d9a400; }
.trend .bar.failed { fill: #c72e0f; }
.trend .axis { stroke: #999; }
.samples { margin: 4px 0; padding-left: 18px; }
footer { margin-top: 32px; color: #666; font-size: 12px; }
`;
