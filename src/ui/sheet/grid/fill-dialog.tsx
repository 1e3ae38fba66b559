import { useId, useState } from 'react';
import { Modal } from '@/ui/shared/modal';
import { countText } from '@/ui/shared/format';

/**
 * "Fill the selected cells with…": one value for every selected cell, as one undoable edit. `where` says which
 * cells ("rows 3–40 of column attributes.metadata.label").
 */
export function FillDialog({
  cellCount,
  where,
  onFill,
  onCancel,
}: {
  cellCount: number;
  where: string;
  onFill: (text: string) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState('');
  const hintId = useId();
  return (
    <Modal title="Fill the selected cells" onClose={onCancel} className="fill-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onFill(text);
        }}
      >
        <div className="modal-body">
          <label className="field">
            {`Fill ${countText(cellCount, 'cell')} with`}
            <input
              autoFocus
              value={text}
              aria-describedby={hintId}
              onChange={(event) => setText(event.target.value)}
            />
          </label>
          <p id={hintId} className="field-hint">
            {`${where}. Each cell reads the value as its column does; an empty value clears them. One Undo takes it back.`}
          </p>
        </div>
        <div className="modal-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary">
            {`Fill ${countText(cellCount, 'cell')}`}
          </button>
        </div>
      </form>
    </Modal>
  );
}
