"""
Learning a kernel by backpropagation
====================================

A convolution layer learns its kernel from examples. Here the examples are
crops of a real photograph and the same crops filtered with a known
edge-detection kernel (Sobel); starting from a kernel of zeros, plain gradient
descent on the mean squared error recovers the Sobel kernel. You will learn
what the gradient of a convolution with respect to its kernel is
(:func:`convlib.conv2d_backward`), how to pick a step size that converges, and
that PyTorch's autograd computes the very same gradients, step after step.
"""

# %%
# Input/output pairs from a photograph
# ------------------------------------
# Matplotlib ships a photograph of Grace Hopper. We turn it into grey levels in
# ``[0, 1]``, average 4x4 blocks and cut a few random square crops (the sizes
# are printed below). Each crop is standardised (mean 0, standard deviation
# 1), for a reason that the step-size section explains.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

import convlib
from convlib import viz

rng = np.random.default_rng(0)

with cbook.get_sample_data("grace_hopper.jpg") as file:
    photo = plt.imread(file)  # (height, width, 3) uint8
gray = photo @ np.array([0.299, 0.587, 0.114]) / 255  # (height, width)
h, w = gray.shape[0] // 4, gray.shape[1] // 4
small = gray[: 4 * h, : 4 * w].reshape(h, 4, w, 4).mean(axis=(1, 3))  # (h, w)

n, size = 8, 32
corners = zip(rng.integers(0, h - size, n), rng.integers(0, w - size, n))
raw_crops = np.stack([small[t : t + size, c : c + size] for t, c in corners])
mean = raw_crops.mean(axis=(1, 2), keepdims=True)
std = raw_crops.std(axis=(1, 2), keepdims=True)
x = ((raw_crops - mean) / std)[:, None]  # (n, 1, size, size): NCHW
print("photo:", photo.shape, "-> grey, 4x4 blocks:", small.shape)
print(f"{n} crops of {size}x{size}, x:", x.shape)

# %%
# The kernel to recover is the Sobel kernel for horizontal changes. Like every
# framework, :func:`convlib.conv2d` computes a cross-correlation, so this kernel
# gives large positive values where the image gets brighter from left to right
# (checked on a ramp). The desired outputs ``y`` are the crops filtered with
# it, without padding, so each crop loses ``k - 1`` rows and columns.
#
# In the pictures below, mid-grey is zero. The desired outputs (bottom row) are
# white where a crop gets brighter from left to right, black where it gets
# darker, and grey where it is flat or changes only from top to bottom: the
# network has to find a kernel that sees vertical edges and ignores the rest.

sobel = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
true_kernel = sobel[None, None]  # (c_out, c_in, kh, kw) = (1, 1, 3, 3)
y = convlib.conv2d(x, true_kernel)  # (n, 1, size - 2, size - 2)
print("desired outputs y:", y.shape)

pairs = 4
titles = [f"{what} {k}" for what in ("crop", "Sobel of crop") for k in range(pairs)]
images = [*x[:pairs, 0], *y[:pairs, 0]]
fig, _ = viz.show_images(images, titles, ncols=pairs, symmetric=True)
fig.suptitle(f"{pairs} of the {n} training pairs: input crops and desired outputs")
plt.show()

# %%

# Check: Sobel is positive where the image brightens to the right; y lost k - 1
ramp = np.tile(np.arange(6.0), (6, 1))  # brighter from left to right
assert (convlib.conv2d(ramp[None, None], true_kernel) > 0).all()
assert y.shape[2:] == (size - sobel.shape[0] + 1, size - sobel.shape[1] + 1)

# %%
# The gradient with respect to the kernel
# ---------------------------------------
# For the loss :math:`L = \frac{1}{M}\sum (\hat y - y)^2` over the
# :math:`M` output values (crops times output height times width, printed
# below), the upstream gradient is
# :math:`g = \partial L / \partial \hat y = 2 (\hat y - y) / M`.
# :func:`convlib.conv2d_backward` turns it into the gradients of the input,
# the kernel and the bias; the kernel gradient correlates the input with
# ``g``:
#
# .. math::
#
#     \frac{\partial L}{\partial w[p, q]}
#     = \sum_{n, i, j} g[n, i, j]\, x[n, i + p, j + q].
#
# Choosing the step size
# ----------------------
# The prediction is linear in the kernel's weights: each output value is one
# 3x3 window of the input (a row of the matrix :math:`X`, from
# :func:`convlib.sliding_windows`) times the kernel. The loss is therefore a
# quadratic bowl with Hessian :math:`H = 2 X^\top X / M`. Gradient descent
# with step :math:`\eta` converges when :math:`\eta < 2 / \lambda_{max}(H)`,
# and the direction of the smallest eigenvalue shrinks by a factor
# :math:`1 - \eta \lambda_{min}` per step. Neighbouring pixels of a photograph
# are strongly correlated, which makes :math:`\lambda_{min}` small. The
# largest eigenvalue belongs to the "all weights equal" direction, and the
# crops' average brightness inflates it: subtracting each crop's mean shrinks
# it relative to the others, and the condition number drops (checked below,
# against the same crops without standardising).

# (n, h_out, w_out, 3, 3): the 3x3 window under each output value
windows = convlib.sliding_windows(x[:, 0], (3, 3), (1, 1), (1, 1))
design = windows.reshape(-1, 9)  # (M, 9): one window per output value
print(f"M = {' x '.join(map(str, y.shape))} = {design.shape[0]} output values")
hessian = 2 * design.T @ design / design.shape[0]
eigenvalues = np.linalg.eigvalsh(hessian)
step = 1 / eigenvalues.max()
lam_min, lam_max = eigenvalues.min(), eigenvalues.max()
print(f"Hessian eigenvalues: {lam_min:.4f} ... {lam_max:.3f}")
print(f"condition number: {lam_max / lam_min:.0f}, step size: {step:.4f}")

# %%

# Check: standardising lowers the condition number of the same crops
assert design.shape[0] == y.size
raw = convlib.sliding_windows(raw_crops, (3, 3), (1, 1), (1, 1)).reshape(-1, 9)
raw_hessian = 2 * raw.T @ raw / raw.shape[0]
raw_eigenvalues = np.linalg.eigvalsh(raw_hessian)
raw_condition = raw_eigenvalues.max() / raw_eigenvalues.min()
print(f"same crops, not standardised: condition number {raw_condition:.0f}")
assert raw_condition > lam_max / lam_min
for name, matrix, values in [
    ("standardised", hessian, eigenvalues),
    ("not standardised", raw_hessian, raw_eigenvalues),
]:
    top = np.linalg.eigh(matrix)[1][:, -1]  # eigenvector of the largest eigenvalue
    alignment = abs(top @ np.ones(9)) / 3  # cosine with "all weights equal"
    gap = values[-1] / values[-2]
    print(f"{name:16s}: top eigenvector vs all-equal weights, ", end="")
    print(f"cosine {alignment:.3f}; largest / second eigenvalue {gap:.1f}")
    assert alignment > 0.99
assert eigenvalues[-1] / eigenvalues[-2] < raw_eigenvalues[-1] / raw_eigenvalues[-2]

# %%
# Gradient descent with convlib
# -----------------------------
# Start from zeros and take a fixed number of steps (printed below). Every
# step is a forward pass with :func:`convlib.conv2d` and a backward pass with
# :func:`convlib.conv2d_backward`; a few snapshots of the kernel are kept for
# the pictures further down. ``conv2d_backward`` returns three gradients, of
# the input, the kernel and the bias. Only the kernel's is used here (the
# model has no bias); the input's, a transposed convolution of ``g`` with the
# kernel, is what a deeper network would pass on to the layer below.

steps = 1500
kernel = np.zeros((1, 1, 3, 3))
losses = []
snapshots = {}
for t in range(steps):
    prediction = convlib.conv2d(x, kernel)
    residual = prediction - y
    losses.append(np.mean(residual**2))
    if t in (0, 10, 100):
        snapshots[t] = kernel[0, 0].copy()
    grad_output = 2 * residual / residual.size
    _, grad_kernel, _ = convlib.conv2d_backward(x, kernel, grad_output)
    kernel = kernel - step * grad_kernel
snapshots[steps] = kernel[0, 0].copy()
final_loss = np.mean((convlib.conv2d(x, kernel) - y) ** 2)

np.set_printoptions(precision=4, suppress=True)
print("true kernel:")
print(sobel)
print(f"learned kernel after {steps} steps:")
print(kernel[0, 0])
error = np.abs(kernel[0, 0] - sobel).max()
print(f"largest weight error: {error:.2e}")
print(f"loss: {losses[0]:.3f} at the start, {final_loss:.2e} at the end")
assert error < 1e-3

# %%
# The loss curve, predicted
# -------------------------
# Because the desired outputs were made with the true kernel, the loss is
# exactly quadratic in the error :math:`e = w - w_{true}`:
# :math:`L = e^\top (H/2)\, e`. Each step multiplies the error's component
# along the :math:`i`-th eigenvector of :math:`H` by :math:`1 - \eta \lambda_i`,
# so with :math:`c_i` the components of the starting error
# (:math:`e_0 = -w_{true}`)
#
# .. math::
#
#     L_t = \sum_i \tfrac{\lambda_i}{2}\, c_i^2\, (1 - \eta \lambda_i)^{2t}.
#
# The thin lines are the terms of this sum, one per eigenvector; the dots,
# their total, lie on the measured curve. Steep directions vanish within a few
# steps, flat ones set the pace: after the first plunge the curve follows the
# slowest terms, each shrinking by the same factor at every step (a straight
# line on this logarithmic scale). A smaller step would make every term decay
# more slowly; a step beyond :math:`2 / \lambda_{max}` would make the steepest
# term grow instead, and the loss would diverge.

eigenvalues, eigenvectors = np.linalg.eigh(hessian)
components = eigenvectors.T @ (-sobel.ravel())  # c_i
t_axis = np.arange(steps)
start = eigenvalues / 2 * components**2  # each term at t = 0
factor = (1 - step * eigenvalues) ** 2  # each term's factor per step
terms = start[:, None] * factor[:, None] ** t_axis  # (9, steps)
predicted = terms.sum(axis=0)

fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
thin = ax.semilogy(terms[terms[:, 0] > 1e-12].T, lw=0.8, color="0.6")
thin[0].set_label("one term per eigenvector")
ax.semilogy(losses, lw=2, label="measured loss (convlib)")
ax.semilogy(t_axis[::60], predicted[::60], "ko", ms=4, label="predicted")
ax.set(
    ylim=(1e-11, 3 * losses[0]),
    xlabel="gradient-descent step",
    ylabel="mean squared error",
)
ax.set_title("Recovering the Sobel kernel: loss per step")
ax.legend()
plt.show()

# %%

# Check: the measured loss is the predicted sum, step after step
np.testing.assert_allclose(losses, predicted, rtol=1e-6, atol=1e-14)
relative = np.abs(np.array(losses) / predicted - 1).max()
print(f"loss, measured vs predicted: max relative difference {relative:.1e}")

# %%
# The kernel while it learns
# --------------------------
# The coarse shape (negative left column, positive right column) is there by
# the second snapshot (checked below); the exact weights take longer, limited
# by the slow directions of the bowl. Each grid is coloured on its own scale
# (red positive, blue negative), so the shape shows even while the weights
# are small.

panels = {f"step {t}": k for t, k in snapshots.items()} | {"true Sobel": sobel}
fig, axes = plt.subplots(1, len(panels), figsize=(7.5, 2), layout="constrained")
for ax, (title, values) in zip(axes, panels.items()):
    shown = np.round(values, 2) + 0.0  # + 0.0: no "-0.00"
    colours = "RdBu_r" if shown.any() else None  # all zeros: plain white
    options = {"fmt": ".2f", "cmap": colours, "face": "white", "fontsize": 10}
    viz.draw_grid(ax, shown, title=title, **options)
fig.suptitle("Learned kernel, from zeros to Sobel")
plt.show()

# %%

# Check: the coarse shape is there by the second snapshot
early = sorted(snapshots)[1]
left, right = snapshots[early][:, 0], snapshots[early][:, -1]
print(f"step {early}: left column {left}, right {right}")
assert (left < 0).all() and (right > 0).all()

# %%
# The same descent with PyTorch autograd
# --------------------------------------
# PyTorch differentiates ``torch.nn.functional.conv2d`` automatically. Running
# the same loop in float64 from the same zeros with the same step, the kernels
# agree with convlib's to rounding error, and so do the gradients of the first
# step (including the input gradient, which ``conv2d_backward`` also returns).

# %%

# Check against PyTorch autograd: the gradients of the first step
torch.manual_seed(0)
torch.set_num_threads(1)  # tensors this small run fastest on one thread
x_t = torch.from_numpy(x)
y_t = torch.from_numpy(y)

x_check = x_t.clone().requires_grad_(True)
w_check = torch.zeros(1, 1, 3, 3, dtype=torch.float64, requires_grad=True)
loss = ((torch.nn.functional.conv2d(x_check, w_check) - y_t) ** 2).mean()
loss.backward()
zeros = np.zeros((1, 1, 3, 3))
grad_output = 2 * (convlib.conv2d(x, zeros) - y) / y.size
grad_x0, grad_w0, _ = convlib.conv2d_backward(x, zeros, grad_output)
torch_w0, torch_x0 = w_check.grad.numpy(), x_check.grad.numpy()
np.testing.assert_allclose(grad_w0, torch_w0, rtol=1e-12, atol=1e-12)
np.testing.assert_allclose(grad_x0, torch_x0, rtol=1e-12, atol=1e-15)
kernel_gap = np.abs(grad_w0 - torch_w0).max()
input_gap = np.abs(grad_x0 - torch_x0).max()
print(f"first step, kernel gradient: max |convlib - torch| = {kernel_gap:.1e}")
print(f"first step, input gradient:  max |convlib - torch| = {input_gap:.1e}")

# %%

# Check against PyTorch autograd: the whole descent, step after step
w_t = torch.zeros(1, 1, 3, 3, dtype=torch.float64, requires_grad=True)
torch_losses = []
for _ in range(steps):
    loss = ((torch.nn.functional.conv2d(x_t, w_t) - y_t) ** 2).mean()
    torch_losses.append(loss.item())
    loss.backward()
    with torch.no_grad():
        w_t -= step * w_t.grad
        w_t.grad.zero_()

torch_kernel = w_t.detach().numpy()
difference = np.abs(torch_kernel - kernel).max()
print("kernel learned with torch autograd:")
print(torch_kernel[0, 0])
print(f"largest difference from convlib's kernel: {difference:.1e}")
np.testing.assert_allclose(torch_kernel, kernel, rtol=1e-10, atol=1e-12)
np.testing.assert_allclose(torch_losses, losses, rtol=1e-9, atol=1e-15)

# %%
# What to take away
# -----------------
# * The gradient of a convolution with respect to its kernel is itself a
#   correlation: of the input with the upstream gradient.
# * With a squared error, learning one kernel is a linear least-squares
#   problem: the Hessian :math:`2 X^\top X / M` of the input's windows sets the
#   largest step that converges and how fast each direction settles.
# * Standardising the inputs lowers the condition number, so the same number
#   of steps gets closer to the answer.
# * convlib's forward and backward passes give PyTorch's autograd results,
#   gradient for gradient and step for step.


# sphinx_gallery_thumbnail_number = 3
