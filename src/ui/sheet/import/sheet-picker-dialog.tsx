import { useState } from 'react';
import { Modal } from '@/ui/shared/modal';

/** Asks which sheet of a workbook to import, when several hold data. */
export function SheetPickerDialog({
  fileName,
  sheets,
  onPick,
  onCancel,
}: {
  fileName: string;
  sheets: readonly string[];
  onPick: (sheet: string) => void;
  onCancel: () => void;
}) {
  const [picked, setPicked] = useState(sheets[0] ?? '');
  return (
    <Modal title="Choose a sheet" onClose={onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onPick(picked);
        }}
      >
        <fieldset className="modal-body sheet-picker">
          <legend>
            {fileName} has {sheets.length.toLocaleString('en-US')} sheets with data. Which one holds the spans
            to import?
          </legend>
          {sheets.map((sheet, index) => (
            <label key={sheet}>
              <input
                type="radio"
                name="sheet"
                value={sheet}
                checked={picked === sheet}
                autoFocus={index === 0}
                onChange={() => setPicked(sheet)}
              />{' '}
              {sheet}
            </label>
          ))}
        </fieldset>
        <div className="modal-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Import this sheet
          </button>
        </div>
      </form>
    </Modal>
  );
}
