// The one stylesheet, served from this server (the CSP allows styles from 'self' only). Plain
// CSS, mobile first: one column that widens on larger screens; focus and errors stay visible.
export const STYLESHEET = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:100%;line-height:1.5;color:#1b1b1b;background:#fff}
body{margin:0}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:10}
header.site{background:#0b3d62;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center}
header.site a{color:#fff}
header.site .brand{font-weight:700;margin-right:auto}
header.site form{margin:0}
header.site button{background:transparent;color:#fff;border:1px solid #fff;padding:.25rem .75rem}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
fieldset{border:1px solid #b1b4b6;padding:.75rem 1rem;margin:0 0 1rem}
legend{font-weight:700;padding:0 .25rem}
.field{margin:0 0 1rem}
.field label{display:block;font-weight:600}
.req{font-weight:400;color:#505a5f}
.hint{margin:.1rem 0;color:#505a5f}
input[type=text],input[type=email],input[type=tel],input[type=password],input[type=date],input[type=search],input[type=number],select,textarea{width:100%;max-width:32rem;font:inherit;padding:.45rem;border:2px solid #0b0c0c;border-radius:0}
textarea{max-width:100%;min-height:6rem;font-family:ui-monospace,monospace;font-size:.9rem}
.invalid input{border-color:#d4351c}
.error{color:#d4351c;font-weight:700;margin:.1rem 0}
.invalid{border-left:5px solid #d4351c;padding-left:.75rem}
:focus-visible{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 5px #0b0c0c}
button,.button{font:inherit;font-weight:600;background:#00703c;color:#fff;border:0;padding:.6rem 1.1rem;cursor:pointer;display:inline-block;text-decoration:none}
button.secondary,.button.secondary{background:#505a5f}
button.danger{background:#d4351c}
.summary{border:4px solid #d4351c;padding:.75rem 1rem;margin:0 0 1.5rem}
.summary h2{margin-top:0}
.notice{border-left:8px solid #1d70b8;background:#eef5fb;padding:.75rem 1rem;margin:0 0 1.5rem}
.success{border:4px solid #00703c;padding:1rem;margin:0 0 1.5rem}
.order-number{font-size:2rem;font-weight:700}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.35rem 0}
.choice input{width:1.4rem;height:1.4rem;margin-top:.1rem;flex:none}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:0 0 1rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #b1b4b6;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}
.filters .field{flex:1 1 10rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem;margin:0 0 1rem}
.card{border:1px solid #b1b4b6;padding:1rem}
.card .big{font-size:1.8rem;font-weight:700}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
code{word-break:break-all}
caption{text-align:left}
ul.nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}
ul.nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
form.inline{display:inline}
@media (min-width:40rem){h1{font-size:2rem}}
@media (max-width:40rem){
table.stack thead{position:absolute;left:-9999px}
table.stack tr{display:block;border-bottom:2px solid #b1b4b6;padding:.5rem 0}
table.stack td{display:flex;gap:.75rem;border:0;padding:.15rem 0;text-align:left}
table.stack td::before{content:attr(data-label);font-weight:600;flex:0 0 7.5rem}
table.stack td.num{text-align:left}
}
`;
