import { winswXml, xmlEscape } from '../../../src/install/winsw-xml';

describe('WinSW configuration', () => {
  const xml = winswXml({
    nodeExe: 'C:\\Program Files\\nodejs\\node.exe',
    installDir: 'C:\\Program Files\\postroom\\',
    configFile: 'C:\\ProgramData\\post & room\\postroom.yaml',
    dataDir: 'C:\\ProgramData\\post & room',
    logDir: 'C:\\ProgramData\\post & room\\logs',
    stopTimeoutSeconds: 45,
    env: { POSTROOM_SECRET: 'a<b>"c"' },
  });
  const element = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

  it('runs node with postroom run and the configuration, quoting paths with spaces', () => {
    expect(element('id')).toBe('postroom');
    expect(element('executable')).toBe('C:\\Program Files\\nodejs\\node.exe');
    expect(element('arguments')).toBe(
      '&quot;C:\\Program Files\\postroom\\bin\\postroom.js&quot; run --config &quot;C:\\ProgramData\\post &amp; room\\postroom.yaml&quot;',
    );
    expect(element('workingdirectory')).toBe('C:\\ProgramData\\post &amp; room');
  });

  it('waits for the graceful stop WinSW asks for with Ctrl+C, restarts on failure and rolls logs', () => {
    expect(element('stoptimeout')).toBe('45 sec');
    expect(element('stopparentprocessfirst')).toBe('true');
    expect(xml).toContain('<onfailure action="restart" delay="10 sec" />');
    expect(xml).toContain('<log mode="roll-by-size-time">');
    expect(element('keepFiles')).toBe('14');
    expect(element('logpath')).toBe('C:\\ProgramData\\post &amp; room\\logs');
  });

  it('escapes environment values, and the document is well formed', () => {
    expect(xml).toContain('<env name="POSTROOM_SECRET" value="a&lt;b&gt;&quot;c&quot;" />');
    expect(xml).toContain('<env name="NODE_ENV" value="production" />');
    // Every opened element is closed in order: a small well-formedness check without a parser.
    const stack: string[] = [];
    for (const [, closing, name, selfClosing] of xml.matchAll(/<(\/?)([A-Za-z][\w]*)[^>]*?(\/?)>/g)) {
      if (selfClosing) continue;
      if (closing) expect(stack.pop()).toBe(name);
      else stack.push(name!);
    }
    expect(stack).toEqual([]);
    expect(xml.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toMatch(/&/);
  });

  it('escapes the five XML specials', () => {
    expect(xmlEscape(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  });
});
