import { checkSetting, parseNameTemplate } from '../../contract';
import { fillName } from '../../server/src/utils/chat-user';
import { parseUserId } from '../../server/src/validation/parse-user-ids';

const template = (source: string) => {
  const parsed = parseNameTemplate(source);
  if ('error' in parsed) throw new Error(parsed.error);
  return { source, ...parsed };
};

describe('parseNameTemplate', () => {
  it('reads placeholders and the text between them, each attribute once in order', () => {
    expect(parseNameTemplate('{lastName}, {firstName} ({lastName})')).toEqual({
      parts: [{ attribute: 'lastName' }, { text: ', ' }, { attribute: 'firstName' }, { text: ' (' }, { attribute: 'lastName' }, { text: ')' }],
      attributes: ['lastName', 'firstName'],
    });
  });

  it.each([
    ['no placeholder', /at least one \{attribute\}/],
    ['{first name}', /"\{first name\}", which is no attribute name/],
    ['{}', /"\{\}", which is no attribute name/],
    ['{firstName', /brace that opens or closes no/],
    ['a } {lastName}', /brace that opens or closes no/],
    ['{a}{b}{c}{d}{e}{f}', /at most 5 attributes/],
  ])('refuses %p', (source, why) => {
    const parsed = parseNameTemplate(source);
    expect('error' in parsed && parsed.error).toMatch(why);
  });

  it('is the contract\'s check of the setting (empty: none)', () => {
    expect(checkSetting('nameTemplate', '')).toBeNull();
    expect(checkSetting('nameTemplate', '{firstName} {lastName}')).toBeNull();
    expect(checkSetting('nameTemplate', '{first name}')).toMatchObject({ key: 'nameTemplate', rule: 'name-template' });
    expect(checkSetting('nameTemplate', `{${'a'.repeat(201)}}`)).toMatchObject({ rule: 'too-long' });
    expect(checkSetting('friendsField', 'friends')).toBeNull();
    expect(checkSetting('friendsField', 'my friends')).toMatchObject({ rule: 'attribute' });
  });
});

describe('fillName', () => {
  const names = template('{firstName} {lastName}');
  it('fills, collapses whitespace and trims', () => {
    expect(fillName(names, ['Alice', 'Liddell'])).toBe('Alice Liddell');
    expect(fillName(names, ['  Ann\n', '\tLee  '])).toBe('Ann Lee');
    expect(fillName(names, ['Carol', null])).toBe('Carol');
  });

  it('is empty when every value is, whatever text sits between them', () => {
    expect(fillName(template('Dr. {lastName}'), [null])).toBe('');
    expect(fillName(template('{a}, {b}'), ['', '  '])).toBe('');
    expect(fillName(names, undefined)).toBe('');
  });

  it('writes numbers and bytes as text and nothing else', () => {
    expect(fillName(template('{a} #{b}'), ['Bob', 7])).toBe('Bob #7');
    expect(fillName(template('{a}'), [Buffer.from('Zoë')])).toBe('Zoë');
    expect(fillName(template('{a} {b}'), ['X', { toString: () => 'leak' }])).toBe('X');
  });
});

describe('parseUserId', () => {
  it.each([
    ['1', 1],
    [' 42 ', 42],
    ['0', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['1,2', undefined],
    ['abc', undefined],
    ['99999999999', undefined],
    [undefined, undefined],
  ])('%p → %p', (input, id) => {
    expect(parseUserId(input)).toBe(id);
  });
});
