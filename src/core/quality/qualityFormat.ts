/** A share as people read it: 3.4%, 0.05%, <0.01%. */
export function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const value = (part / whole) * 100;
  return `${value > 0 && value < 0.01 ? '<0.01' : Number(value.toFixed(value < 1 ? 2 : 1))}%`;
}
