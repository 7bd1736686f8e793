// The typed shape of each call. Names follow the spec's parameter table; the client turns them
// into the wire's parameters (items become N_PPP, N_visibility, N_MACAddress).

/** The end customer: contact details and, for an account, its login. */
export interface Customer {
  /** Required for every Web product order. */
  emailAddress: string;
  /** Full name; or give both foreName and surName. Not needed for a returning customer. */
  name?: string;
  foreName?: string;
  surName?: string;
  title?: string;
  telephoneNumber?: string;
  faxNumber?: string;
  /** The customer's own account (case-sensitive). Without it, the order is a guest order. */
  loginName?: string;
  loginPassword?: string;
  /** true: prove loginName/loginPassword; false: create the account. */
  isReturningCustomer?: boolean;
  organizationName?: string;
  organizationalUnitName?: string;
  postOfficeBox?: string;
  streetAddress1?: string;
  streetAddress2?: string;
  streetAddress3?: string;
  localityName?: string;
  stateOrProvinceName?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2; the server defaults to US. */
  countryName?: string;
  dunsNumber?: string;
  companyNumber?: string;
  /** b: private, c: government, d: business entity. */
  BusinessCategory?: 'b' | 'c' | 'd';
}

export interface OrderItem {
  /** The product pricing code, e.g. 9974 for one-year Web DNS Pro. */
  ppp: number;
  /** -1 visible (default), 0 invisible in the control panel. */
  visibility?: -1 | 0;
  /** Web DNS Pro only: a MAC-48 address. */
  macAddress?: string;
}

export type OfferCode = 'FREE_HP_UPGRADE' | 'FREE_EV_UPGRADE' | 'FREE_EV_UPGRADE_REQUIRED' | 'EVSSLPREREGISTRATIONOFFER';

export interface PlaceOrderInput {
  /** The reseller brand name. */
  ap: string;
  /** Y: the reseller charges the customer and authorizes the order; N: the vendor charges. */
  reseller: 'Y' | 'N';
  customer: Customer;
  /** At least one; numbered 1, 2, 3… in this order. */
  items: readonly OrderItem[];
  region?: string;
  offerCode?: OfferCode;
  /** Renews the licence of an earlier order. */
  licenceCode?: string;
}

export interface PlacedOrder {
  orderNumber: string;
  /** Decimal text as answered, e.g. "48.99". */
  totalCost: string | undefined;
  /** totalCost in integer cents (undefined when the server did not answer a total). */
  totalCents: number | undefined;
  currency: string | undefined;
}

export interface OrderRef {
  orderNumber: string | number;
}

export interface AutoAuthorizeInput extends OrderRef {
  /** Run every check and change nothing. */
  test?: boolean;
}

export interface AutoRefundInput extends OrderRef {
  /** 1–11, the reason for the refund. */
  refundReasonCode: number;
}

/** What a reseller endpoint answered besides errorCode. */
export interface Answer {
  /** Every field of the answer, first occurrence of each name. */
  fields: Readonly<Record<string, string>>;
}

export interface OrderStatusItem {
  itemNo: number;
  ppp: number;
  /** Decimal text, e.g. "48.99". */
  price: string | undefined;
  licenceCode: string | undefined;
  startDate: string | undefined;
  expiryDate: string | undefined;
}

export interface OrderStatus extends Answer {
  orderNumber: string;
  /** pending_authorization, awaiting_payment, active, expired, rejected, refunded or cancelled. */
  status: string;
  items: OrderStatusItem[];
  ap: string | undefined;
  totalCost: string | undefined;
  currency: string | undefined;
  licenceCode: string | undefined;
  startDate: string | undefined;
  expiryDate: string | undefined;
}
