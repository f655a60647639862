/**
 * A tiny, safe markdown subset for lesson steps, rendered to HTML: headings, paragraphs, lists
 * (`-`, `*`, `1.`), fenced code blocks, blockquotes, `code`, **bold**, *emphasis*, and links
 * with http(s) or relative targets. Every character of the source is HTML-escaped first, so no
 * markup in a lesson reaches the page (lessons can be imported by anyone in a room).
 *
 * @module
 */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c]);

const SAFE_URL = /^(https?:\/\/|\/|#|\.\/)[^\s"'<>]*$/;

/** Inline markup of one escaped line. Code spans first, so their content stays literal. */
function inline(escaped: string): string {
	const parts = escaped.split(/(`[^`]+`)/g);
	return parts
		.map((p, i) => {
			if (i % 2 === 1) return `<code>${p.slice(1, -1)}</code>`;
			return p
				.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
				.replace(/(^|[^*\w])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
				.replace(/(^|\W)_([^_\s][^_]*)_(?=\W|$)/g, '$1<em>$2</em>')
				.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (m, text: string, url: string) => {
					const raw = url.replace(/&amp;/g, '&');
					return SAFE_URL.test(raw) ? `<a href="${url}" target="_blank" rel="noopener noreferrer">${text}</a>` : m;
				});
		})
		.join('');
}

/** Renders lesson markdown to HTML (see the module doc for the subset). */
export function renderMarkdown(src: string): string {
	const lines = src.replace(/\r\n?/g, '\n').split('\n');
	const out: string[] = [];
	let para: string[] = [];
	let list: { tag: 'ul' | 'ol'; items: string[] } | undefined;
	const flushPara = () => {
		if (para.length) out.push(`<p>${inline(escapeHtml(para.join(' ')))}</p>`);
		para = [];
	};
	const flushList = () => {
		if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${inline(escapeHtml(i))}</li>`).join('')}</${list.tag}>`);
		list = undefined;
	};
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		const fence = /^```(\S*)\s*$/.exec(line);
		if (fence) {
			flushPara();
			flushList();
			const code: string[] = [];
			while (++i < lines.length && !/^```\s*$/.test(lines[i])) code.push(lines[i]);
			const lang = fence[1] ? ` class="language-${escapeHtml(fence[1])}"` : '';
			out.push(`<pre><code${lang}>${escapeHtml(code.join('\n'))}</code></pre>`);
			continue;
		}
		const heading = /^(#{1,4})\s+(.*)$/.exec(line);
		const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
		const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
		const quote = /^>\s?(.*)$/.exec(line);
		if (heading) {
			flushPara();
			flushList();
			const level = heading[1].length + 1; // the step title is the page's h2
			out.push(`<h${level}>${inline(escapeHtml(heading[2]))}</h${level}>`);
		} else if (bullet || numbered) {
			flushPara();
			const tag = bullet ? 'ul' : 'ol';
			if (list?.tag !== tag) flushList();
			(list ??= { tag, items: [] }).items.push((bullet ?? numbered)![1]);
		} else if (quote) {
			flushPara();
			flushList();
			out.push(`<blockquote>${inline(escapeHtml(quote[1]))}</blockquote>`);
		} else if (!line.trim()) {
			flushPara();
			flushList();
		} else if (list && /^\s+\S/.test(line)) {
			list.items[list.items.length - 1] += ' ' + line.trim();
		} else {
			flushList();
			para.push(line.trim());
		}
	}
	flushPara();
	flushList();
	return out.join('\n');
}
