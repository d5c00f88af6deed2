// A menu button (WAI-ARIA menu pattern): opens a list of actions, arrow keys move between
// them, Escape or a click elsewhere closes it and focus returns to the button.
import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';

/** One action of a menu; a heading starts a labelled group. */
export type MenuEntry =
  | { kind?: 'item'; label: string; onSelect(): void; checked?: boolean; danger?: boolean }
  | { kind: 'heading'; label: string };

/** A button that opens a menu of actions. */
export function MenuButton({
  label,
  icon,
  entries,
  className,
}: {
  label: string;
  icon: ReactNode;
  entries: readonly MenuEntry[];
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = useId();

  const items = () =>
    Array.from(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? []);

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const list = items();
    const index = list.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => list[(to + list.length) % list.length]?.focus();
    if (event.key === 'ArrowDown') move(index + 1);
    else if (event.key === 'ArrowUp') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(list.length - 1);
    else if (event.key === 'Escape') close();
    else if (event.key === 'Tab') setOpen(false);
    else return;
    if (event.key !== 'Tab') {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  return (
    <div className={`menu-wrap ${className ?? ''}`}>
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen((value) => !value)}
      >
        {icon}
      </button>
      {open ? (
        <div
          ref={menu}
          id={id}
          role="menu"
          aria-label={label}
          className="menu"
          onKeyDown={onKeyDown}
        >
          {entries.map((entry, index) =>
            entry.kind === 'heading' ? (
              <div key={index} role="presentation" className="menu-heading">
                {entry.label}
              </div>
            ) : (
              <button
                key={index}
                type="button"
                role={entry.checked === undefined ? 'menuitem' : 'menuitemradio'}
                aria-checked={entry.checked}
                tabIndex={-1}
                className={entry.danger ? 'danger' : undefined}
                onClick={() => {
                  close();
                  entry.onSelect();
                }}
              >
                {entry.label}
              </button>
            ),
          )}
        </div>
      ) : null}
    </div>
  );
}
