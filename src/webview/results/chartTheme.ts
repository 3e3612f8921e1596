// A Vega config drawn from the workbench's theme colors, so charts match light, dark and high-contrast
// themes and follow a theme change.

function cssVariable(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export function themeKind(): 'light' | 'dark' | 'high-contrast' {
  const classes = document.body.classList;
  if (classes.contains('vscode-high-contrast') || classes.contains('vscode-high-contrast-light')) return 'high-contrast';
  return classes.contains('vscode-dark') ? 'dark' : 'light';
}

export function chartConfig(): Record<string, unknown> {
  const foreground = cssVariable('--vscode-editor-foreground', '#333333');
  const muted = cssVariable('--vscode-descriptionForeground', foreground);
  const gridColor = cssVariable('--vscode-editorWidget-border', themeKind() === 'dark' ? '#454545' : '#dddddd');
  const font = cssVariable('--vscode-font-family', 'sans-serif');
  const highContrast = themeKind() === 'high-contrast';
  const palette = ['blue', 'orange', 'green', 'red', 'purple', 'yellow'].map((name, i) =>
    cssVariable(`--vscode-charts-${name}`, ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'][i]!),
  );
  const axis = {
    domainColor: muted,
    gridColor,
    gridOpacity: highContrast ? 1 : 0.6,
    tickColor: muted,
    labelColor: foreground,
    titleColor: foreground,
    labelFont: font,
    titleFont: font,
  };
  return {
    background: 'transparent',
    font,
    title: { color: foreground, subtitleColor: muted, font },
    axis,
    legend: { labelColor: foreground, titleColor: foreground, labelFont: font, titleFont: font },
    view: { stroke: highContrast ? foreground : 'transparent' },
    range: { category: palette },
    mark: { color: palette[0] },
    bar: { stroke: highContrast ? foreground : undefined },
  };
}
