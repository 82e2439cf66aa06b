import { Checkbox, DateInput, Flex, Select, Tag, Text, TimeInput, ToggleGroup } from '@hubspot/ui-extensions';
import { errorProps, fromClock, toClock, toIsoDate } from './draft.js';
import { LEGAL_GUARD_TEXT, legalHoursHint } from './legal-hours-text.js';
import type { StepProps } from './step-props.js';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The zones offered as a default; contacts' own zones come from HubSpot or their number first. */
export const TIME_ZONE_OPTIONS = [
  { label: 'None: skip contacts whose time zone is unknown', value: '' },
  { label: 'Eastern (America/New_York)', value: 'America/New_York' },
  { label: 'Central (America/Chicago)', value: 'America/Chicago' },
  { label: 'Mountain (America/Denver)', value: 'America/Denver' },
  { label: 'Arizona (America/Phoenix)', value: 'America/Phoenix' },
  { label: 'Pacific (America/Los_Angeles)', value: 'America/Los_Angeles' },
  { label: 'Alaska (America/Anchorage)', value: 'America/Anchorage' },
  { label: 'Hawaii (Pacific/Honolulu)', value: 'Pacific/Honolulu' },
  { label: 'UTC', value: 'UTC' },
];

/** Step 3: calling days and hours (each contact's local time), blackout dates, default zone and start. */
export function WhenStep({ draft, update, errors }: StepProps) {
  const hint = legalHoursHint(draft.start, draft.end);
  const startToday = draft.startDate === '';
  return (
    <Flex direction="column" gap="md">
      <ToggleGroup
        toggleType="checkboxList"
        label="Calling days"
        name="window.days"
        inline
        options={WEEKDAYS.map((label, i) => ({ label, value: String(i + 1) }))}
        value={draft.days.map(String)}
        onChange={(values) => update({ days: values.map(Number) })}
        {...errorProps(errors, 'window.days')}
      />
      <Flex direction="row" gap="md">
        <TimeInput
          label="From"
          name="window.start"
          interval={15}
          value={fromClock(draft.start) ?? null}
          onChange={(t) => update({ start: toClock(t) })}
          {...errorProps(errors, 'window.start')}
        />
        <TimeInput
          label="Until"
          name="window.end"
          interval={15}
          value={fromClock(draft.end) ?? null}
          onChange={(t) => update({ end: toClock(t) })}
          {...errorProps(errors, 'window.end')}
        />
      </Flex>
      {hint ? <Text format={{ fontWeight: 'demibold' }}>{hint}</Text> : null}
      <Text variant="microcopy">{LEGAL_GUARD_TEXT}</Text>
      <DateInput
        label="Add a blackout date"
        name="window.blackoutDates"
        description="No calls on these local dates (public holidays)."
        format="YYYY-MM-DD"
        onChange={(d) => {
          const date = toIsoDate(d);
          if (!draft.blackoutDates.includes(date))
            update({ blackoutDates: [...draft.blackoutDates, date].sort() });
        }}
        {...errorProps(errors, 'window.blackoutDates')}
      />
      {draft.blackoutDates.length > 0 ? (
        <Flex direction="row" gap="xs" wrap="wrap">
          {draft.blackoutDates.map((date) => (
            <Tag
              key={date}
              onClick={() => update({ blackoutDates: draft.blackoutDates.filter((d) => d !== date) })}
            >
              {date} ✕
            </Tag>
          ))}
        </Flex>
      ) : null}
      <Select
        label="Default time zone"
        name="defaultTimeZone"
        description="Used only for contacts whose zone HubSpot and their number do not give; without it they are skipped."
        value={draft.defaultTimeZone}
        options={TIME_ZONE_OPTIONS}
        onChange={(value) => update({ defaultTimeZone: String(value) })}
        {...errorProps(errors, 'defaultTimeZone')}
      />
      <Checkbox
        name="startNow"
        checked={startToday}
        onChange={(checked) => update({ startDate: checked ? '' : toIsoDate(tomorrow()) })}
      >
        Start calling as soon as the campaign is launched
      </Checkbox>
      {startToday ? null : (
        <Flex direction="row" gap="md">
          <DateInput
            label="Start on"
            name="startsAt"
            format="YYYY-MM-DD"
            value={dateParts(draft.startDate)}
            onChange={(d) => update({ startDate: toIsoDate(d) })}
            {...errorProps(errors, 'startsAt')}
          />
          <TimeInput
            label="At"
            name="startTime"
            description={`In ${draft.defaultTimeZone || 'UTC'}`}
            interval={15}
            value={fromClock(draft.startTime) ?? null}
            onChange={(t) => update({ startTime: toClock(t) })}
          />
        </Flex>
      )}
    </Flex>
  );
}

function tomorrow(): { year: number; month: number; date: number } {
  const d = new Date(Date.now() + 24 * 3600 * 1000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth(), date: d.getUTCDate() };
}

function dateParts(iso: string): { year: number; month: number; date: number } | undefined {
  const [y, m, d] = iso.split('-').map(Number);
  return y && m && d ? { year: y, month: m - 1, date: d } : undefined;
}
