import { useEffect, useMemo, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery, useSubscription } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Card } from '../design';
import { SupportReportDocument, TicketUpdatedDocument, type SupportReportQuery } from '../gql/graphql';
import { friendlyMessage } from '../lib/errors';
import { useTitle } from '../lib/useTitle';
import { categoryLabel } from '../support/status';
import { DayChart, type ChartSeries } from './DayChart';
import './reports.css';
import { csvFileName, isoDate, MAX_DAYS, PRESETS, rangeFromParams, reportVariables, toCsv, type ReportRange } from './report-range';

type Report = SupportReportQuery['supportReport'];
type Figures = Pick<Report, 'created' | 'closed' | 'firstResponses' | 'slaMetPercent' | 'averageRating' | 'ratings'>;

/** Refetches after a ticket closes, at most this often (a burst of closes is one request). */
const LIVE_THROTTLE_MS = 5000;

/** Minutes as people read them: minutes, hours or days. */
function useDuration() {
  const { t, i18n } = useTranslation();
  const number = (value: number) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(value);
  return (minutes: number | null | undefined) => {
    if (minutes == null) return '—';
    if (minutes < 60) return t('reports.minutes', { n: number(Math.round(minutes)) });
    if (minutes < 48 * 60) return t('reports.hours', { n: number(minutes / 60) });
    return t('reports.days', { n: number(minutes / 1440) });
  };
}

export default function ReportsPage() {
  const { t, i18n } = useTranslation();
  useTitle(t('reports.docTitle'));
  const [params, setParams] = useSearchParams();
  const range = useMemo(() => rangeFromParams(params, new Date()), [params]);
  const report = useQuery(SupportReportDocument, { variables: reportVariables(range) });
  const data = report.data?.supportReport ?? report.previousData?.supportReport;
  const duration = useDuration();
  const number = (value: number) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 }).format(value);
  const percent = (value: number | null) => (value == null ? '—' : `${number(value)} %`);
  const rating = (f: Figures) =>
    f.averageRating == null ? '—' : t('reports.ratingOf', { average: number(f.averageRating), count: f.ratings });

  // Live: a ticket closing today changes today's figures; refetched at most every LIVE_THROTTLE_MS.
  const refetch = report.refetch;
  const live = useRef<{ timer?: ReturnType<typeof setTimeout>; last: number }>({ last: 0 });
  useEffect(() => () => clearTimeout(live.current.timer), []);
  useSubscription(TicketUpdatedDocument, {
    onData: ({ data: event }) => {
      if (event.data?.ticketUpdated.status !== 'CLOSED' || range.to < isoDate(new Date()) || live.current.timer) return;
      const wait = Math.max(0, live.current.last + LIVE_THROTTLE_MS - Date.now());
      live.current.timer = setTimeout(() => {
        live.current = { last: Date.now() };
        void refetch();
      }, wait);
    },
  });

  const choose = (next: Partial<ReportRange>) => {
    const query = new URLSearchParams();
    if (next.days) query.set('days', String(next.days));
    else {
      query.set('from', next.from ?? range.from);
      query.set('to', next.to ?? range.to);
    }
    setParams(query, { replace: true });
  };

  const dates = useMemo(() => data?.byDay.map((d) => d.date) ?? [], [data]);
  const volume = useMemo<ChartSeries[]>(
    () => [
      { label: t('reports.created'), values: data?.byDay.map((d) => d.created) ?? [], color: '--color-primary-text' },
      { label: t('reports.closed'), values: data?.byDay.map((d) => d.closed) ?? [], color: '--color-status-green' },
    ],
    [data, t],
  );
  const responses = useMemo<ChartSeries[]>(
    () => [
      { label: t('reports.median'), values: data?.byDay.map((d) => d.firstResponseMedianMinutes) ?? [], color: '--color-accent' },
      {
        label: t('reports.p90'),
        values: data?.byDay.map((d) => d.firstResponseP90Minutes) ?? [],
        color: '--color-text-muted',
        dashed: true,
      },
    ],
    [data, t],
  );

  const groups = data
    ? [
        ...data.byCategory.map((c) => ({ kind: t('reports.category'), name: categoryLabel(c.category), figures: c as Figures })),
        ...data.byAssignee.map((a) => ({
          kind: t('reports.assignee'),
          name: a.assignee?.name ?? t('reports.unassigned'),
          figures: a as Figures,
        })),
      ]
    : [];
  const exportCsv = () => {
    const header = [t('reports.group'), t('reports.name'), ...COLUMNS.map((c) => t(c.label)), t('reports.ratings')];
    const rows = groups.map((g) => [g.kind, g.name, ...COLUMNS.map((c) => c.csv(g.figures)), g.figures.ratings]);
    const url = URL.createObjectURL(new Blob([toCsv([header, ...rows])], { type: 'text/csv;charset=utf-8' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: csvFileName(range) });
    link.click();
    URL.revokeObjectURL(url);
  };

  const table = (caption: string, nameHeader: string, rows: { name: string; figures: Figures }[]) => (
    // Scrolls sideways on a phone: reachable by keyboard, named by its caption.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="report-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{nameHeader}</th>
            {COLUMNS.map((c) => (
              <th scope="col" key={c.label} className="num">
                {t(c.label)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={COLUMNS.length + 1}>{t('reports.noData')}</td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={row.name}>
              <th scope="row">{row.name}</th>
              <td className="num">{number(row.figures.created)}</td>
              <td className="num">{number(row.figures.closed)}</td>
              <td className="num">{number(row.figures.firstResponses)}</td>
              <td className="num">{percent(row.figures.slaMetPercent)}</td>
              <td className="num">{rating(row.figures)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

  return (
    <div className="page page--wide reports">
      <div className="page-head">
        <div>
          <h1 className="page-title">{t('reports.title')}</h1>
          <p className="page-subtitle">
            {data ? t('reports.subtitle', { from: data.from, to: data.to, zone: data.timeZone }) : t('reports.subtitleLoading')}
          </p>
        </div>
        <Button variant="secondary" small onClick={exportCsv} disabled={!data}>
          {t('reports.exportCsv')}
        </Button>
      </div>

      <Card as="section" className="report-range" aria-label={t('reports.range')}>
        <div className="segmented" role="group" aria-label={t('reports.presets')}>
          {PRESETS.map((days) => (
            <button
              key={days}
              type="button"
              className="segmented__item"
              aria-pressed={range.days === days}
              onClick={() => choose({ days })}
            >
              {days === 365 ? t('reports.year') : t('reports.lastDays', { count: days })}
            </button>
          ))}
        </div>
        <div className="report-range__dates">
          <label className="report-range__field">
            <span>{t('reports.from')}</span>
            <input type="date" value={range.from} max={range.to} onChange={(e) => e.target.value && choose({ from: e.target.value })} />
          </label>
          <label className="report-range__field">
            <span>{t('reports.to')}</span>
            <input type="date" value={range.to} min={range.from} onChange={(e) => e.target.value && choose({ to: e.target.value })} />
          </label>
        </div>
        <p className="report-range__hint">{t('reports.rangeHint', { max: MAX_DAYS })}</p>
      </Card>

      {report.error && <Alert tone="error">{friendlyMessage(report.error)}</Alert>}
      {data && !data.complete && <Alert tone="info">{t('reports.incomplete')}</Alert>}

      <section aria-label={t('reports.figures')} className="kpis" aria-busy={report.loading}>
        <Kpi label={t('reports.created')} value={data ? number(data.created) : '…'} />
        <Kpi label={t('reports.closed')} value={data ? number(data.closed) : '…'} />
        <Kpi label={t('reports.firstResponseMedian')} value={data ? duration(data.firstResponseMedianMinutes) : '…'} />
        <Kpi label={t('reports.firstResponseP90')} value={data ? duration(data.firstResponseP90Minutes) : '…'} />
        <Kpi
          label={t('reports.resolutionMedian')}
          value={data ? duration(data.resolutionMedianHours == null ? null : data.resolutionMedianHours * 60) : '…'}
        />
        <Kpi label={t('reports.slaMet')} value={data ? percent(data.slaMetPercent) : '…'} />
        <Kpi
          label={t('reports.averageRating')}
          value={data?.averageRating == null ? (data ? '—' : '…') : t('reports.outOf5', { average: number(data.averageRating) })}
          hint={data && t('reports.ratingsCount', { count: data.ratings })}
        />
      </section>

      <div className="report-charts">
        <Card as="section" aria-labelledby="chart-volume">
          <h2 id="chart-volume" className="section-title">
            {t('reports.volumeChart')}
          </h2>
          {data && <DayChart dates={dates} series={volume} />}
          <p className="report-chart__caption">{t('reports.chartAlternative')}</p>
        </Card>
        <Card as="section" aria-labelledby="chart-response">
          <h2 id="chart-response" className="section-title">
            {t('reports.responseChart')}
          </h2>
          {data && <DayChart dates={dates} series={responses} />}
          <p className="report-chart__caption">{t('reports.responseCaption')}</p>
        </Card>
      </div>

      <Card as="section" aria-label={t('reports.byCategory')}>
        {table(
          t('reports.byCategory'),
          t('reports.category'),
          (data?.byCategory ?? []).map((c) => ({ name: categoryLabel(c.category), figures: c })),
        )}
      </Card>
      <Card as="section" aria-label={t('reports.byAssignee')}>
        {table(
          t('reports.byAssignee'),
          t('reports.assignee'),
          (data?.byAssignee ?? []).map((a) => ({ name: a.assignee?.name ?? t('reports.unassigned'), figures: a })),
        )}
      </Card>

      <details className="report-days card card--padded">
        <summary>{t('reports.byDay')}</summary>
        {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- scrolls sideways on a phone */}
        <div className="table-scroll" tabIndex={0} role="region" aria-label={t('reports.byDay')}>
          <table className="report-table">
            <caption className="sr-only">{t('reports.byDay')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.date')}</th>
                <th scope="col" className="num">
                  {t('reports.created')}
                </th>
                <th scope="col" className="num">
                  {t('reports.closed')}
                </th>
                <th scope="col" className="num">
                  {t('reports.firstResponseMedian')}
                </th>
              </tr>
            </thead>
            <tbody>
              {(data?.byDay ?? []).map((d) => (
                <tr key={d.date}>
                  <th scope="row">{d.date}</th>
                  <td className="num">{number(d.created)}</td>
                  <td className="num">{number(d.closed)}</td>
                  <td className="num">{duration(d.firstResponseMedianMinutes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}

const COLUMNS: { label: string; csv: (f: Figures) => string | number | null }[] = [
  { label: 'reports.created', csv: (f) => f.created },
  { label: 'reports.closed', csv: (f) => f.closed },
  { label: 'reports.firstResponses', csv: (f) => f.firstResponses },
  { label: 'reports.slaMet', csv: (f) => f.slaMetPercent },
  { label: 'reports.averageRating', csv: (f) => f.averageRating },
];

function Kpi({ label, value, hint }: { label: string; value: string; hint?: string | null }) {
  return (
    <div className="kpi">
      <span className="kpi__label">{label}</span>
      <span className="kpi__value">{value}</span>
      {hint && <span className="kpi__hint">{hint}</span>}
    </div>
  );
}
