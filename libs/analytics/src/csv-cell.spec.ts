import { csvCell, csvLine, DecimalCell } from './csv-cell';

describe('csvCell', () => {
  it.each([
    ["=cmd|' /C calc'!A0", `'=cmd|' /C calc'!A0`],
    ['+1', `'+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(1)', `'@SUM(1)`],
    ['\tx', `'\tx`],
    ['\rx', `"'\rx"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['-1.5', `'-1.5`],
  ])('neutralises text %j that a spreadsheet would run as a formula', (text, expected) => {
    expect(csvCell(text)).toBe(expected);
  });

  it('leaves numbers alone, decided by their type', () => {
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(-3n)).toBe('-3');
    expect(csvCell(new DecimalCell('-0.0042'))).toBe('-0.0042');
    expect(csvCell(new DecimalCell('12'))).toBe('12');
  });

  it('refuses text posing as a decimal', () => {
    expect(() => new DecimalCell('-1+2')).toThrow('not a decimal number');
    expect(() => new DecimalCell('=1')).toThrow('not a decimal number');
  });

  it('quotes text with commas, quotes and line breaks, and leaves plain text as is', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('chat-completions')).toBe('chat-completions');
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(null)).toBe('');
  });

  it('joins a line', () => {
    expect(csvLine(['+x', 2, new DecimalCell('1.25')])).toBe(`'+x,2,1.25\n`);
  });
});
