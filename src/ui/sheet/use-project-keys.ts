import { useEffect, useMemo } from 'react';
import { type ProjectTypes, projectTypesOf } from '@/core/columns';
import { useConnectionSettings, useProjectFields } from '@/ui/settings';
import { useStore } from '@/ui/shared/use-store';
import type { SheetStore } from './sheet-store';

/**
 * The metadata keys of the project chosen in Settings, to offer when a column's key is named or mapped; none
 * while they load, without a project, or when the server cannot answer (naming a key never waits for it).
 */
export function useProjectKeys(): readonly string[] {
  const { serverUrl, apiKey, project } = useConnectionSettings();
  const fields = useProjectFields({ serverUrl, apiKey }, project);
  return useMemo(() => fields.map((field) => field.key), [fields]);
}

/** The keys the project chosen in Settings already types; none while they load or without a server. */
export function useProjectTypes(): ProjectTypes {
  const { serverUrl, apiKey, project } = useConnectionSettings();
  const fields = useProjectFields({ serverUrl, apiKey }, project);
  return useMemo(() => projectTypesOf(fields), [fields]);
}

/**
 * Keeps the sheet read with the keys the project already types (SPEC §2): when they arrive or change, when the
 * sheet is replaced or its columns change, and once a submission or a recheck that made it wait has ended.
 */
export function SheetProjectTypes({ store }: { store: SheetStore }): null {
  const types = useProjectTypes();
  const structureVersion = useStore(store, (state) => state.structureVersion);
  const waiting = useStore(store, (state) => state.readOnly || state.checking);
  useEffect(() => {
    if (!waiting) store.setProjectTypes(types);
  }, [store, types, structureVersion, waiting]);
  return null;
}
