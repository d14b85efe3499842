// A region, picked by its place name ("Guangzhou · ap-guangzhou"), with a mark (icon and words, never colour alone)
// where server-side encryption is offered. The list and the marks come from the core (buckets.regions), which knows
// COS's rule; it is asked once per window.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChevronDown, Lock } from 'lucide-react';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import type { Bridge } from '../../bridge/bridge';
import { useModel } from '../../stores/model-context';

export interface RegionChoice {
  id: string;
  sseOffered: boolean;
}

const asked = new WeakMap<Bridge, Promise<RegionChoice[]>>();

/** The regions a bucket may go to (empty until the core answers; a failure leaves only the ones already in use). */
export function useRegions(): RegionChoice[] {
  const { bridge } = useModel();
  const [regions, setRegions] = useState<RegionChoice[]>([]);
  useEffect(() => {
    let p = asked.get(bridge);
    if (!p) {
      p = bridge.api.buckets.regions({}).then((a) => (a.ok ? a.value.regions : []));
      asked.set(bridge, p);
    }
    let live = true;
    void p.then((r) => live && setRegions(r));
    return () => {
      live = false;
    };
  }, [bridge]);
  return regions;
}

export function RegionPicker({ value, onChange, label, regions }: { value: string; onChange(region: string): void; label: string; regions: RegionChoice[] }) {
  const { t } = useTranslation();
  // A region the list does not know (an account's, from before) is still shown and kept.
  const all = regions.some((r) => r.id === value) || !value ? regions : [{ id: value, sseOffered: false }, ...regions];
  const name = (id: string) => t(`regions.${id}`, { defaultValue: id });
  return (
    <Select className="field" selectedKey={value} onSelectionChange={(key) => key !== null && onChange(String(key))}>
      <Label>{label}</Label>
      <Button className="button select-button">
        <SelectValue />
        <ChevronDown className="icon" aria-hidden />
      </Button>
      <Popover className="popover">
        <ListBox className="menu region-list" items={all}>
          {(r) => (
            <ListBoxItem id={r.id} className="menu-item region-option" textValue={`${name(r.id)} ${r.id}`}>
              <span>{t('regions.option', { name: name(r.id), id: r.id })}</span>
              {r.sseOffered ? (
                <span className="sse-mark">
                  <Lock className="icon" aria-hidden />
                  {t('regions.sseOffered')}
                </span>
              ) : (
                <span className="sse-mark none">{t('regions.noSse')}</span>
              )}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}
