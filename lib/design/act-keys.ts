// A key press in the preview as a browser delivers it to the focused element: keydown (and keypress
// for keys that make a character), then, unless a handler cancelled it, the key's effect: a
// character typed at the caret of a text field or editable element, Backspace/Delete removing one,
// Enter submitting the field's form (or a new line in a text area); then keyup.
// Hand-written: @testing-library/user-event does this but needs @testing-library/dom in every preview page.

const isTextField = (el: Element): el is HTMLInputElement | HTMLTextAreaElement =>
  el instanceof HTMLTextAreaElement ||
  (el instanceof HTMLInputElement && ['text', 'search', 'email', 'url', 'tel', 'password', 'number', ''].includes(el.type));

/** Sets a field's value the way typing does, so frameworks that track the value (React) see the change. */
export function setFieldValue(el: HTMLInputElement | HTMLTextAreaElement, value: string, inputType = 'insertReplacementText', data: string | null = null) {
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value')?.set;
  if (setter) setter.call(el, value);
  else el.value = value;
  el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType, data }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

/** The caret range of a field; fields without one (email, number) edit at the end. */
function selectionOf(el: HTMLInputElement | HTMLTextAreaElement): [number, number] {
  try {
    if (el.selectionStart !== null && el.selectionEnd !== null) return [el.selectionStart, el.selectionEnd];
  } catch {
    // selectionStart throws on some input types
  }
  return [el.value.length, el.value.length];
}

function editField(el: HTMLInputElement | HTMLTextAreaElement, text: string, inputType: string, deleteBefore = 0, deleteAfter = 0) {
  const [start, end] = selectionOf(el);
  const from = start === end ? Math.max(0, start - deleteBefore) : start;
  const to = start === end ? Math.min(el.value.length, end + deleteAfter) : end;
  if (!el.dispatchEvent(new InputEvent('beforeinput', { bubbles: true, cancelable: true, inputType, data: text || null }))) return;
  setFieldValue(el, el.value.slice(0, from) + text + el.value.slice(to), inputType, text || null);
  try {
    el.setSelectionRange(from + text.length, from + text.length);
  } catch {
    // not every input type has a caret
  }
}

function editContent(text: string, command: 'insertText' | 'delete' | 'forwardDelete') {
  // Editable elements: the browser's own editing command, which fires beforeinput/input itself.
  document.execCommand(command, false, text);
}

/** Presses `key` (a KeyboardEvent key name: "a", "Enter", "Backspace", …) on `el`; says what it did. */
export function pressKey(el: HTMLElement, key: string): string {
  const character = [...key].length === 1 ? key : key === 'Enter' ? '\n' : '';
  const init = { key, bubbles: true, cancelable: true, composed: true };
  const down = el.dispatchEvent(new KeyboardEvent('keydown', init));
  const press = down && character ? el.dispatchEvent(new KeyboardEvent('keypress', { ...init, charCode: character.charCodeAt(0) })) : down;
  let effect = '';
  if (press) {
    const field = isTextField(el) ? el : null;
    if (key === 'Enter' && field instanceof HTMLInputElement) {
      if (field.form) {
        field.form.requestSubmit();
        effect = ' (submitted the form)';
      }
    } else if (character && field && !field.readOnly && !field.disabled) {
      editField(field, character, key === 'Enter' ? 'insertLineBreak' : 'insertText');
      effect = ` (typed ${JSON.stringify(character)})`;
    } else if ((key === 'Backspace' || key === 'Delete') && field && !field.readOnly && !field.disabled) {
      editField(field, '', key === 'Backspace' ? 'deleteContentBackward' : 'deleteContentForward', key === 'Backspace' ? 1 : 0, key === 'Delete' ? 1 : 0);
      effect = ' (deleted a character)';
    } else if (el.isContentEditable && (character || key === 'Backspace' || key === 'Delete')) {
      editContent(character, character ? 'insertText' : key === 'Backspace' ? 'delete' : 'forwardDelete');
      effect = character ? ` (typed ${JSON.stringify(character)})` : ' (deleted a character)';
    }
  }
  el.dispatchEvent(new KeyboardEvent('keyup', init));
  return `pressed ${key}${press ? effect : ' (a handler cancelled it)'}`;
}
