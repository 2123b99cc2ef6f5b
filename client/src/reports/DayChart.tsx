import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** A colour token of the design (tokens.css), so that dark mode has its own. */
  color: string;
  dashed?: boolean;
}

const token = (element: Element, name: string) => getComputedStyle(element).getPropertyValue(name).trim();

/**
 * A line per series over the report's days, drawn by uPlot (about 50 KB, in the reports page's
 * download only). The canvas is a picture: the page's tables carry the same numbers for readers
 * that cannot see it (docs/architecture.md §11).
 */
export function DayChart({ dates, series, height = 220 }: { dates: string[]; series: ChartSeries[]; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const axis = {
      stroke: token(element, '--color-text-muted'),
      grid: { stroke: token(element, '--color-border'), width: 1 },
      ticks: { show: false },
    };
    const plot = new uPlot(
      {
        width: element.clientWidth,
        height,
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(1, max, min)] } },
        axes: [axis, { ...axis, size: 48 }],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: token(element, s.color),
            width: 2,
            dash: s.dashed ? [6, 4] : undefined,
            spanGaps: true,
            points: { show: dates.length <= 31 },
          })),
        ],
      },
      [dates.map((date) => Date.parse(`${date}T12:00:00`) / 1000), ...series.map((s) => s.values)],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [dates, series, height]);
  return <div ref={box} className="day-chart" aria-hidden="true" />;
}
