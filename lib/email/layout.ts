import { formatMoney } from '../payments/money';
import type { OrderMail, Shop } from './content';
import { html, type SafeHtml } from './html';

/**
 * The frame every message shares, in its two forms: the plain-text body and
 * the HTML body, built from the same parts so they always say the same thing.
 */

export type Rendered = {
  subject: string;
  text: string;
  html: string;
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
};

/** One paragraph, or a link with its label, in both forms. */
export type Part =
  | { kind: 'paragraph'; text: string }
  | { kind: 'link'; label: string; url: string }
  | { kind: 'lines'; heading: string; lines: string[] }
  | { kind: 'order'; order: OrderMail };

export const paragraph = (text: string): Part => ({ kind: 'paragraph', text });
export const link = (label: string, url: string): Part => ({ kind: 'link', label, url });
export const lines = (heading: string, list: string[]): Part => ({ kind: 'lines', heading, lines: list });
export const orderSummary = (order: OrderMail): Part => ({ kind: 'order', order });

const money = (order: OrderMail, amount: number) => formatMoney({ amount, currency: order.currency });

function orderRows(order: OrderMail): Array<[string, string]> {
  const rows: Array<[string, string]> = order.lines.map((line) => [
    `${line.quantity} × ${line.name}`,
    money(order, line.amount),
  ]);
  if (order.shipping) {
    rows.push([
      `Shipping${order.shipping.rateName ? ` (${order.shipping.rateName})` : ''}`,
      money(order, order.shipping.amount),
    ]);
  }
  rows.push(['Total', money(order, order.total)]);
  return rows;
}

function partText(part: Part): string {
  switch (part.kind) {
    case 'paragraph':
      return part.text;
    case 'link':
      return `${part.label}: ${part.url}`;
    case 'lines':
      return [part.heading, ...part.lines.map((line) => `  ${line}`)].join('\n');
    case 'order': {
      const rows = orderRows(part.order).map(([label, amount]) => `  ${label}  ${amount}`);
      const address = part.order.shipping?.address ?? [];
      return [
        `Order #${part.order.number}`,
        ...rows,
        ...(address.length > 0 ? ['Shipping to:', ...address.map((line) => `  ${line}`)] : []),
      ].join('\n');
    }
  }
}

const CELL = 'padding:4px 0;border-bottom:1px solid #eee';

function partHtml(part: Part): SafeHtml {
  switch (part.kind) {
    case 'paragraph':
      return html`<p style="margin:0 0 16px">${part.text}</p>`;
    case 'link':
      return html`<p style="margin:0 0 16px">
        <a href="${part.url}" style="color:#1a56db">${part.label}</a>
      </p>`;
    case 'lines':
      return html`<p style="margin:0 0 16px">
        <strong>${part.heading}</strong><br />${part.lines.map(
          (line, index) => html`${index > 0 ? html`<br />` : ''}${line}`,
        )}
      </p>`;
    case 'order': {
      const address = part.order.shipping?.address ?? [];
      return html`<table role="presentation" style="width:100%;border-collapse:collapse;margin:0 0 16px">
          <caption style="text-align:left;font-weight:bold;padding:0 0 8px">
            Order #${part.order.number}
          </caption>
          ${orderRows(part.order).map(
            ([label, amount]) =>
              html`<tr>
                <td style="${CELL}">${label}</td>
                <td style="${CELL};text-align:right">${amount}</td>
              </tr> `,
          )}
        </table>
        ${address.length > 0 ? partHtml(lines('Shipping to', address)) : ''}`;
    }
  }
}

/** A whole message: greeting, parts, and the shop's signature with where to write. */
export function compose(
  shop: Shop,
  message: { subject: string; greeting: string | null; parts: Part[]; attachments?: Rendered['attachments'] },
): Rendered {
  // Names come from customers: one line each, whatever they typed.
  const name = message.greeting?.replace(/\s+/g, ' ').trim();
  const greeting = name ? `Hello ${name},` : 'Hello,';
  const signature = `${shop.name} · ${shop.appUrl} · Questions? Write to ${shop.supportEmail}`;
  const text = [greeting, ...message.parts.map(partText), '—', signature].join('\n\n') + '\n';
  const body = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${message.subject}</title>
      </head>
      <body
        style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111;line-height:1.5;max-width:560px;margin:0 auto;padding:24px"
      >
        <p style="margin:0 0 24px;font-size:18px;font-weight:bold">${shop.name}</p>
        <p style="margin:0 0 16px">${greeting}</p>
        ${message.parts.map((part) => html`${partHtml(part)} `)}
        <hr style="border:0;border-top:1px solid #ddd;margin:24px 0" />
        <p style="margin:0;font-size:13px;color:#555">
          ${shop.name} · <a href="${shop.appUrl}" style="color:#555">${shop.appUrl}</a> · Questions? Write to
          <a href="mailto:${shop.supportEmail}" style="color:#555">${shop.supportEmail}</a>
        </p>
      </body>
    </html> `;
  return {
    // A subject is one header line: nothing a customer typed may start another.
    subject: message.subject.replace(/[\r\n]+/g, ' ').trim(),
    text,
    html: body.html,
    ...(message.attachments ? { attachments: message.attachments } : {}),
  };
}
