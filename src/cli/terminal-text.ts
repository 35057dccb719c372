// Text from the server (evidence details, reasons, names: all typed by someone) is printed to a terminal,
// where escape sequences are commands: clear the screen, move the cursor to overwrite a line, set the
// window title, write the clipboard (OSC 52), forge hyperlinks. Everything that reaches the terminal
// passes through here: control characters and escape sequences are removed, except the colour codes
// (SGR, `ESC [ n m`) that `terminalLine` keeps for the CLI's own colouring.

// CSI / OSC / other ESC sequences, then any remaining C0 (except \t \n) and C1 control characters.
const SEQUENCE =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[P^_X][^\u001b]*(?:\u001b\\)?|\u001b[@-Z\\-_]?/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const SGR = /^\u001b\[[0-9;]*m$/;

/** User text made inert: no escape sequence and no control character survives (tabs and newlines do). */
export function sanitiseText(s: string): string {
  return s.replace(SEQUENCE, '').replace(CONTROL, '');
}

/** A line of output: like sanitiseText, but the CLI's own colour codes (SGR only) are kept. */
export function terminalLine(s: string): string {
  const kept: string[] = [];
  // Keep the SGR codes out of reach of CONTROL (they start with ESC) by parking them as placeholders.
  const parked = s.replace(/\u0000/g, '').replace(SEQUENCE, (seq) => {
    if (!SGR.test(seq)) return '';
    kept.push(seq);
    return '\u0000';
  });
  let i = 0;
  return parked.replace(CONTROL, (ch) => (ch === '\u0000' ? (kept[i++] ?? '') : ''));
}
