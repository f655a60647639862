import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
	const cases = [
		{ name: 'escapes HTML', src: 'a <script>alert(1)</script> & b', want: '<p>a &lt;script&gt;alert(1)&lt;/script&gt; &amp; b</p>' },
		{ name: 'inline markup', src: 'run `kubectl get <pods>` **now**, *then* wait', want: '<p>run <code>kubectl get &lt;pods&gt;</code> <strong>now</strong>, <em>then</em> wait</p>' },
		{ name: 'headings and lists', src: '# Title\n\n- one\n- two\n\n1. first\n2. second', want: '<h2>Title</h2>\n<ul><li>one</li><li>two</li></ul>\n<ol><li>first</li><li>second</li></ol>' },
		{ name: 'code block is literal', src: '```sh\nkubectl get **pods** <x>\n```', want: '<pre><code class="language-sh">kubectl get **pods** &lt;x&gt;</code></pre>' },
		{ name: 'safe links only', src: '[docs](https://kubernetes.io/docs) [bad](javascript:alert(1))', want: '<p><a href="https://kubernetes.io/docs" target="_blank" rel="noopener noreferrer">docs</a> [bad](javascript:alert(1))</p>' },
		{ name: 'paragraph lines join', src: 'one\ntwo\n\nthree', want: '<p>one two</p>\n<p>three</p>' },
		{ name: 'quote', src: '> note', want: '<blockquote>note</blockquote>' }
	];
	for (const c of cases) it(c.name, () => expect(renderMarkdown(c.src)).toBe(c.want));
});
