import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, html } from '../../lib/email/html.ts';

describe('email HTML', () => {
  it('escapes every value put into it, and nests fragments unescaped', () => {
    const name = `<script>alert("x")</script> & 'co'`;
    const inner = html`<b>${name}</b>`;
    const outer = html`<p>${inner}${[html`<br />`, 'a<b']}${null}${false}${42}</p>`;
    assert.equal(
      outer.html,
      '<p><b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</b><br />a&lt;b42</p>',
    );
    assert.equal(escapeHtml('"><img src=x onerror=1>'), '&quot;&gt;&lt;img src=x onerror=1&gt;');
  });
});
